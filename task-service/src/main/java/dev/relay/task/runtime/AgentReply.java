package dev.relay.task.runtime;

import java.util.List;

/**
 * What an agent answers to one run (or to the part of a run after an approval): the reply in the chunks it
 * streams, the tokens it used, and the {@code question} it needs confirmed before it goes on (null when it is done).
 */
public record AgentReply(List<String> chunks, String model, int inputTokens, int outputTokens, String question) {

    public String text() {
        return String.join("", chunks);
    }

    public boolean asksForApproval() {
        return question != null;
    }
}
