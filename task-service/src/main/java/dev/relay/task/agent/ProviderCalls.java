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
 * Calls of the OpenAI-compatible providers (LangChain4j's OpenAI client): which provider model a run uses (from
 * {@link LlmConfig}), its streamed reply, its timeouts, the retries of a call refused before its first token, and the
 * fallbacks of its mode after them.
 */
final class ProviderCalls {

    /** The name of the provider of {@code relay.llm.base-url}, in fallbacks and in {@code served_by}. */
    static final String DEFAULT_PROVIDER = "default";

    private final LlmConfig config;
    private final Map<String, StreamingChatModel> models = new ConcurrentHashMap<>();

    ProviderCalls(LlmConfig config) {
        this.config = config;
    }

    /** The provider's answer to one call, and which provider and model gave it ({@code provider/model}). */
    record Served(ChatResponse response, String by) {
    }

    /** A provider and one of its models. */
    record Target(String provider, String model) {
        @Override
        public String toString() {
            return provider + "/" + model;
        }
    }

    /**
     * The model's streamed text as {@link AgentRuntime.Output.Text}, then {@link Served}. A call refused before its
     * first token (429, 5xx, unreachable) is tried again, then goes to the next target of its mode's fallbacks; once
     * text went out, never.
     */
    Multi<Object> callWithRetries(RunConfig run, List<ChatMessage> messages, List<ToolSpecification> specifications,
            AgentRuntime.Tools tools, int maxOutputTokens) {
        List<Target> targets = targets(run);
        AtomicBoolean answered = new AtomicBoolean();
        ChatRequest request = request(messages, specifications, maxOutputTokens);
        Multi<Object> output = attempt(targets.get(0), request, tools, answered);
        for (Target next : targets.subList(1, targets.size())) {
            output = output.onFailure(failure -> refusedBeforeAnswering(failure, answered))
                    .recoverWithMulti(() -> attempt(next, request, tools, answered));
        }
        return output;
    }

    private Multi<Object> attempt(Target target, ChatRequest request, AgentRuntime.Tools tools, AtomicBoolean answered) {
        Multi<Object> output = Multi.createFrom().deferred(() -> call(model(target), request, tools, answered))
                .map(item -> item instanceof ChatResponse response ? new Served(response, target.toString()) : item);
        return config.retries() == 0 ? output : output
                .onFailure(failure -> refusedBeforeAnswering(failure, answered))
                .retry().withBackOff(config.retryBackoff(), config.retryBackoff().multipliedBy(8)).atMost(config.retries());
    }

    private static boolean refusedBeforeAnswering(Throwable failure, AtomicBoolean answered) {
        return !answered.get() && failure instanceof ProviderFailure provider && provider.isTransient();
    }

    /** The run's model on the default provider, then its mode's fallbacks. */
    List<Target> targets(RunConfig run) {
        List<Target> targets = new java.util.ArrayList<>();
        targets.add(new Target(DEFAULT_PROVIDER, providerModel(run)));
        for (String entry : config.fallbacks().getOrDefault(run.mode(), List.of())) {
            int slash = entry.indexOf('/');
            String provider = slash > 0 ? entry.substring(0, slash) : null;
            // a model name may hold a slash itself (meta-llama/…): only a configured provider's name is one
            targets.add(provider != null && config.providers().containsKey(provider)
                    ? new Target(provider, entry.substring(slash + 1)) : new Target(DEFAULT_PROVIDER, entry));
        }
        return targets;
    }

    /**
     * The model's streamed text as {@link AgentRuntime.Output.Text}, then its {@link ChatResponse}; nothing for
     * {@code relay.llm.timeout} (before the first token or between two) fails the call.
     */
    private Multi<Object> call(StreamingChatModel model, ChatRequest request, AgentRuntime.Tools tools, AtomicBoolean answered) {
        // the HTTP client's timeout ends with the response's headers: a stream that stalls after them ends here
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<StreamingHandle> handle = new AtomicReference<>();
            AtomicBoolean ended = new AtomicBoolean();
            // a cancelled run ends the call at once: the provider's stream is closed (when it has begun) by the subscriber
            // that stops, and the run's worker stops waiting for a provider that is still silent; a call that has
            // ended already is left alone (failing its emitter again would only be dropped and logged)
            tools.onStop(() -> {
                if (!ended.get()) {
                    emitter.fail(new AgentRuntime.RunStopped());
                }
            });
            emitter.onTermination(() -> {
                ended.set(true);
                StreamingHandle streaming = handle.get();
                if (streaming != null && !streaming.isCancelled()) {
                    streaming.cancel();
                }
            });
            model.chat(request, new StreamingChatResponseHandler() {
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

    /** The call's request: the conversation, the tools offered, and at most {@code maxOutputTokens}. */
    private static ChatRequest request(List<ChatMessage> messages, List<ToolSpecification> specifications, int maxOutputTokens) {
        ChatRequest.Builder request = ChatRequest.builder().messages(List.copyOf(messages));
        if (!specifications.isEmpty()) {
            request.toolSpecifications(specifications);
        }
        request.maxOutputTokens(maxOutputTokens);
        return request.build();
    }

    /** The provider model for the task's model name: mapped, {@code auto} by mode, else the default. */
    String providerModel(RunConfig run) {
        String asked = run.model();
        if (asked == null || "auto".equals(asked)) {
            return config.auto().getOrDefault(run.mode(), config.defaultModel());
        }
        return config.models().getOrDefault(asked, config.defaultModel());
    }

    private StreamingChatModel model(Target target) {
        boolean isDefault = DEFAULT_PROVIDER.equals(target.provider());
        return models.computeIfAbsent(target.toString(), key -> OpenAiStreamingChatModel.builder()
                .baseUrl(isDefault ? config.baseUrl().orElseThrow() : config.providers().get(target.provider()).baseUrl())
                .apiKey((isDefault ? config.apiKey() : config.providers().get(target.provider()).apiKey()).orElse("none"))
                .modelName(target.model())
                .timeout(config.timeout())
                .build());
    }
}
