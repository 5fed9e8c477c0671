package dev.relay.task.agent;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;

/**
 * An upper bound of the tokens a model call's prompt counts, known before the call: every token of a byte-level
 * tokenizer (the providers' BPE families) is at least one byte, so a prompt has at most as many tokens as the bytes of
 * its messages and tools written out in full (as JSON, which adds the per-message overhead the provider's template
 * adds, and more), plus a margin per message and per tool. It overestimates English text about four times: what a
 * budget reserves for a call is more than it will cost, never less.
 */
final class PromptSize {

    private static final int PER_MESSAGE = 8;
    private static final int PER_TOOL = 16;
    private static final int PER_CALL = 32;

    private PromptSize() {
    }

    static long upperBound(List<ChatMessage> messages, List<ToolSpecification> tools) {
        long bound = PER_CALL;
        for (ChatMessage message : messages) {
            bound += bytes(ChatMessageSerializer.messageToJson(message)) + PER_MESSAGE;
        }
        for (ToolSpecification tool : tools) {
            bound += bytes(tool.toString()) + PER_TOOL;
        }
        return bound;
    }

    private static long bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
