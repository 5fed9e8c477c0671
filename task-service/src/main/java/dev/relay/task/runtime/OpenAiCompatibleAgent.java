package dev.relay.task.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.TokenUsage;
import dev.relay.task.config.LlmConfig;
import dev.relay.task.domain.Approval;
import dev.relay.task.domain.RunConfig;
import io.smallrye.mutiny.Multi;

/**
 * Works runs with a real model behind an OpenAI-compatible chat-completions endpoint (LangChain4j's OpenAI client):
 * the provider's streamed tokens become {@link Output.Text}, its usage the reply's token counts. Which provider model
 * a run uses follows {@link LlmConfig}: the task's model name through the map, {@code auto} by the run's mode.
 */
public class OpenAiCompatibleAgent implements AgentRuntime {

    private static final String INSTRUCTIONS = "You are Relay's agent. You work the user's task and answer in plain, "
            + "precise prose; say what you would check and what you found. You have no tools yet: say so when a task "
            + "needs one.";

    private final LlmConfig config;
    private final Map<String, StreamingChatModel> models = new ConcurrentHashMap<>();

    public OpenAiCompatibleAgent(LlmConfig config) {
        this.config = config;
    }

    @Override
    public Multi<Output> run(String prompt, RunConfig run, Approval answer) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(INSTRUCTIONS + " Mode: " + run.mode() + "."));
        messages.add(UserMessage.from(prompt));
        if (answer != null) {
            messages.add(UserMessage.from(answer.isApproved() ? "Confirmed: go ahead."
                    : "Do not go ahead." + (answer.instructions() == null ? "" : " Instead: " + answer.instructions())));
        }
        StreamingChatModel model = model(providerModel(run));
        AtomicBoolean answered = new AtomicBoolean();
        // a refusal before the first token (429, 5xx, unreachable) is tried again; once text went out, never
        Multi<Output> output = Multi.createFrom().deferred(() -> call(model, messages, run, answered));
        return config.retries() == 0 ? output : output
                .onFailure(failure -> !answered.get() && failure instanceof ProviderFailure provider && provider.isTransient())
                .retry().withBackOff(config.retryBackoff(), config.retryBackoff().multipliedBy(8)).atMost(config.retries());
    }

    private Multi<Output> call(StreamingChatModel model, List<ChatMessage> messages, RunConfig run, AtomicBoolean answered) {
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<StreamingHandle> handle = new AtomicReference<>();
            // a subscriber that stops (a cancelled run) closes the provider's stream
            emitter.onTermination(() -> {
                StreamingHandle streaming = handle.get();
                if (streaming != null && !streaming.isCancelled()) {
                    streaming.cancel();
                }
            });
            model.chat(ChatRequest.builder().messages(messages).build(), new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                    handle.set(context.streamingHandle());
                    if (!emitter.isCancelled() && partial.text() != null && !partial.text().isEmpty()) {
                        answered.set(true);
                        emitter.emit(new Output.Text(partial.text()));
                    }
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    String text = response.aiMessage() == null || response.aiMessage().text() == null ? "" : response.aiMessage().text();
                    TokenUsage usage = response.tokenUsage();
                    emitter.emit(new Output.Finished(new AgentReply(List.of(text), run.model(),
                            count(usage == null ? null : usage.inputTokenCount()), count(usage == null ? null : usage.outputTokenCount()),
                            null)));
                    emitter.complete();
                }

                @Override
                public void onError(Throwable error) {
                    emitter.fail(ProviderFailure.of(error, config.timeout()));
                }
            });
        });
    }

    /** The provider model for the task's model name: mapped, {@code auto} by mode, else the default. */
    String providerModel(RunConfig run) {
        String asked = run.model();
        if (asked == null || "auto".equals(asked)) {
            return config.auto().getOrDefault(run.mode(), config.defaultModel());
        }
        return config.models().getOrDefault(asked, config.defaultModel());
    }

    private StreamingChatModel model(String name) {
        return models.computeIfAbsent(name, modelName -> OpenAiStreamingChatModel.builder()
                .baseUrl(config.baseUrl().orElseThrow())
                .apiKey(config.apiKey().orElse("none"))
                .modelName(modelName)
                .timeout(config.timeout())
                .build());
    }

    private static int count(Integer tokens) {
        return tokens == null ? 0 : tokens;
    }
}
