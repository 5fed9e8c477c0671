package dev.relay.task.agent.tools;

import java.util.function.UnaryOperator;

/** What a tool call answered: text for the model and the run's events, and whether the call failed. */
public record ToolResult(String output, boolean error) {

    public static ToolResult ok(String output) {
        return new ToolResult(output, false);
    }

    public static ToolResult failed(String reason) {
        return new ToolResult(reason, true);
    }

    /**
     * The result redacted by {@code redact} (the run's secrets taken out) and cut to {@code max} characters (saying
     * so); the cut text is redacted again, so a secret the cut splits leaves no fragment.
     */
    public ToolResult bounded(int max, UnaryOperator<String> redact) {
        String text = redact.apply(output == null ? "" : output);
        if (text.length() > max) {
            text = redact.apply(text.substring(0, max)) + "\n[cut at " + max + " characters]";
        }
        return new ToolResult(text, error);
    }
}
