package dev.relay.task.agent.tools;

/** What a tool call answered: text for the model and the run's events, and whether the call failed. */
public record ToolResult(String output, boolean error) {

    public static ToolResult ok(String output) {
        return new ToolResult(output, false);
    }

    public static ToolResult failed(String reason) {
        return new ToolResult(reason, true);
    }

    /** The result cut to {@code max} characters (saying so), with every secret value replaced by {@code ***}. */
    public ToolResult bounded(int max, Iterable<String> secretValues) {
        String text = output == null ? "" : output;
        for (String secret : secretValues) {
            if (secret != null && !secret.isEmpty()) {
                text = text.replace(secret, "***");
            }
        }
        if (text.length() > max) {
            text = text.substring(0, max) + "\n[cut at " + max + " characters]";
        }
        return new ToolResult(text, error);
    }
}
