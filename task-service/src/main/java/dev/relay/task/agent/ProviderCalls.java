package dev.relay.task.agent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.relay.task.task.RunConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Calls of the OpenAI-compatible provider (LangChain4j's OpenAI client): which provider model a run uses (from
 * {@link LlmConfig}), its streamed reply, its timeouts and the retries of a call refused before its first token.
 */
final class ProviderCalls {

    private final LlmConfig config;
    private final Map<String, StreamingChatModel> models = new ConcurrentHashMap<>();

    ProviderCalls(LlmConfig config) {
        this.config = config;
    }

    /** A call refused before its first token (429, 5xx, unreachable) is tried again; once text went out, never. */
    Multi<Object> callWithRetries(RunConfig run, List<ChatMessage> messages, List<ToolSpecification> specifications,
            AgentRuntime.Tools tools) {
        AtomicBoolean answered = new AtomicBoolean();
        Multi<Object> output = Multi.createFrom().deferred(() -> call(model(providerModel(run)), messages, specifications, tools, answered));
        return config.retries() == 0 ? output : output
                .onFailure(failure -> !answered.get() && failure instanceof ProviderFailure provider && provider.isTransient())
                .retry().withBackOff(config.retryBackoff(), config.retryBackoff().multipliedBy(8)).atMost(config.retries());
    }

    /**
     * The model's streamed text as {@link AgentRuntime.Output.Text}, then its {@link ChatResponse}; nothing for
     * {@code relay.llm.timeout} (before the first token or between two) fails the call.
     */
    private Multi<Object> call(StreamingChatModel model, List<ChatMessage> messages, List<ToolSpecification> specifications,
            AgentRuntime.Tools tools, AtomicBoolean answered) {
        ChatRequest.Builder request = ChatRequest.builder().messages(List.copyOf(messages));
        if (!specifications.isEmpty()) {
            request.toolSpecifications(specifications);
        }
        // the HTTP client's timeout ends with the response's headers: a stream that stalls after them ends here
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<StreamingHandle> handle = new AtomicReference<>();
            // a cancelled run ends the call at once: the provider's stream is closed (when it has begun) by the subscriber
            // that stops, and the run's worker stops waiting for a provider that is still silent
            tools.onStop(() -> emitter.fail(new AgentRuntime.RunStopped()));
            emitter.onTermination(() -> {
                StreamingHandle streaming = handle.get();
                if (streaming != null && !streaming.isCancelled()) {
                    streaming.cancel();
                }
            });
            model.chat(request.build(), new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                    handle.set(context.streamingHandle());
                    if (!emitter.isCancelled() && partial.text() != null && !partial.text().isEmpty()) {
                        answered.set(true);
                        emitter.emit(new AgentRuntime.Output.Text(partial.text()));
                    }
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    emitter.emit(response);
                    emitter.complete();
                }

                @Override
                public void onError(Throwable error) {
                    if (emitter.isCancelled()) {
                        return; // the stream this run closed itself (cancelled, timed out)
                    }
                    emitter.fail(ProviderFailure.of(error, config.timeout()));
                }
            });
        })
                // LangChain4j's HTTP client may read the stream on the subscribing thread: never the run's event loop
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(config.timeout()).failWith(() -> ProviderFailure.timedOut(config.timeout()));
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
}
