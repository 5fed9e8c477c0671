package dev.relay.task.task;

/** What Relay knows of the models a task may name (the seeds' {@code ModelType}): the size of their context window. */
public final class ModelCatalog {

    private ModelCatalog() {
    }

    /** The model's context window in tokens, as its provider publishes it. */
    public static int contextWindowTokens(String model) {
        if (model == null) {
            return 200_000;
        }
        if (model.startsWith("gpt-5")) {
            return 400_000;
        }
        if (model.startsWith("gemini-3")) {
            return 1_048_576;
        }
        if (model.startsWith("grok-4") || model.startsWith("kimi-k2")) {
            return 256_000;
        }
        if (model.startsWith("deepseek")) {
            return 128_000;
        }
        // the Claude family, GLM and "auto" (which picks among them)
        return 200_000;
    }
}
