package dev.relay.task.agent;

import java.util.ArrayList;
import java.util.List;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.relay.task.agent.tools.ToolResult;

/** A task's conversation as a chat model is given it. */
final class ChatHistory {

    private ChatHistory() {
    }

    /**
     * The conversation so far as chat messages: an assistant's text and the calls that follow it are one assistant
     * message, each call's result a tool message after it.
     */
    static List<ChatMessage> of(List<Turn> conversation) {
        List<ChatMessage> messages = new ArrayList<>();
        String text = null;
        List<Turn.ToolCall> calls = new ArrayList<>();
        for (Turn turn : conversation) {
            if (turn instanceof Turn.ToolCall call) {
                calls.add(call);
                continue;
            }
            addAssistant(messages, text, calls);
            text = null;
            calls.clear();
            if (turn instanceof Turn.User user) {
                messages.add(UserMessage.from(user.text().isEmpty() ? "(empty message)" : user.text()));
            } else if (turn instanceof Turn.Assistant assistant) {
                text = assistant.text();
            }
        }
        addAssistant(messages, text, calls);
        return messages;
    }

    private static void addAssistant(List<ChatMessage> messages, String text, List<Turn.ToolCall> calls) {
        if (calls.isEmpty()) {
            if (text != null && !text.isEmpty()) {
                messages.add(AiMessage.from(text));
            }
            return;
        }
        List<ToolExecutionRequest> requests = calls.stream().map(call -> ToolExecutionRequest.builder().id(call.callId())
                .name(call.name()).arguments(call.arguments().toString()).build()).toList();
        messages.add(AiMessage.builder().text(text == null || text.isEmpty() ? null : text).toolExecutionRequests(requests).build());
        for (Turn.ToolCall call : calls) {
            messages.add(ToolExecutionResultMessage.from(call.callId(), call.name(), resultText(call.result())));
        }
    }

    static String resultText(ToolResult result) {
        return (result.error() ? "error: " : "") + result.output();
    }
}
