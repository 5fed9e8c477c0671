package dev.relay.task.runtime;

import java.util.List;

/** What an agent answers to one run: the reply in the chunks it streams, and the tokens it used. */
public record AgentReply(List<String> chunks, String model, int inputTokens, int outputTokens) {

    public String text() {
        return String.join("", chunks);
    }
}
