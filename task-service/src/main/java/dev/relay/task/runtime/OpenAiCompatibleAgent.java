package dev.relay.task.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
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
import dev.relay.task.runtime.tools.Tool;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Works runs with a real model behind an OpenAI-compatible chat-completions endpoint (LangChain4j's OpenAI client):
 * the provider's streamed tokens become {@link Output.Text}, its usage the reply's token counts. Which provider model
 * a run uses follows {@link LlmConfig}: the task's model name through the map, {@code auto} by the run's mode.
 */
public class OpenAiCompatibleAgent implements AgentRuntime {

    private static final String INSTRUCTIONS = "You are Relay's agent. You work the user's task and answer in plain, "
            + "precise prose; say what you checked and what you found. Use the tools you are given to look things up "
            + "rather than guessing; say so when a task needs a tool you do not have.";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlmConfig config;
    private final Map<String, StreamingChatModel> models = new ConcurrentHashMap<>();

    public OpenAiCompatibleAgent(LlmConfig config) {
        this.config = config;
    }

    @Override
    public Multi<Output> run(String prompt, RunConfig run, Approval answer, Tools tools) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(INSTRUCTIONS + " Mode: " + run.mode() + "."));
        messages.add(UserMessage.from(prompt));
        if (answer != null) {
            messages.add(UserMessage.from(answer.isApproved() ? "Confirmed: go ahead."
                    : "Do not go ahead." + (answer.instructions() == null ? "" : " Instead: " + answer.instructions())));
        }
        List<ToolSpecification> specifications = tools.available().stream().map(OpenAiCompatibleAgent::specification).toList();
        StreamingChatModel model = model(providerModel(run));
        return step(new Conversation(model, messages, specifications, run, tools), 1);
    }

    /** What one run's steps share: the model, the messages so far, the tools, and the tokens used so far. */
    private static final class Conversation {
        final StreamingChatModel model;
        final List<ChatMessage> messages;
        final List<ToolSpecification> specifications;
        final RunConfig run;
        final Tools tools;
        int inputTokens;
        int outputTokens;
        final StringBuilder text = new StringBuilder();

        Conversation(StreamingChatModel model, List<ChatMessage> messages, List<ToolSpecification> specifications, RunConfig run,
                Tools tools) {
            this.model = model;
            this.messages = messages;
            this.specifications = specifications;
            this.run = run;
            this.tools = tools;
        }
    }

    /**
     * One model call: its text goes out as it comes; when it asks for tools, each is called in turn (recorded on the
     * run), the results go back to the model and the next step follows — at most {@code max_steps} model calls.
     */
    private Multi<Output> step(Conversation conversation, int number) {
        return callWithRetries(conversation).onItem().transformToMultiAndConcatenate(item -> {
            if (item instanceof Output.Text text) {
                conversation.text.append(text.delta());
                return Multi.createFrom().item(text);
            }
            ChatResponse response = (ChatResponse) item;
            TokenUsage usage = response.tokenUsage();
            conversation.inputTokens += usage == null ? 0 : count(usage.inputTokenCount());
            conversation.outputTokens += usage == null ? 0 : count(usage.outputTokenCount());
            AiMessage message = response.aiMessage();
            if (message == null || !message.hasToolExecutionRequests()) {
                return Multi.createFrom().item(finished(conversation, ""));
            }
            if (number >= maxSteps(conversation.run)) {
                String notice = (conversation.text.isEmpty() ? "" : "\n\n") + "[stopped: the run reached its limit of "
                        + maxSteps(conversation.run) + " model calls (max_steps)]";
                return Multi.createBy().concatenating().streams(Multi.createFrom().item(new Output.Text(notice)),
                        Multi.createFrom().item(finished(conversation, notice)));
            }
            conversation.messages.add(message);
            Uni<Void> results = Uni.createFrom().voidItem();
            for (ToolExecutionRequest request : message.toolExecutionRequests()) {
                results = results.chain(() -> conversation.tools.call(request.id(), request.name(), arguments(request.arguments()))
                        .invoke(result -> conversation.messages.add(ToolExecutionResultMessage.from(request,
                                (result.error() ? "error: " : "") + result.output())))
                        .replaceWithVoid());
            }
            return results.onItem().transformToMulti(done -> step(conversation, number + 1));
        });
    }

    private Output.Finished finished(Conversation conversation, String notice) {
        return new Output.Finished(new AgentReply(List.of(conversation.text + notice),
                conversation.run.model(), conversation.inputTokens, conversation.outputTokens, null));
    }

    /** A call refused before its first token (429, 5xx, unreachable) is tried again; once text went out, never. */
    private Multi<Object> callWithRetries(Conversation conversation) {
        AtomicBoolean answered = new AtomicBoolean();
        Multi<Object> output = Multi.createFrom().deferred(() -> call(conversation, answered));
        return config.retries() == 0 ? output : output
                .onFailure(failure -> !answered.get() && failure instanceof ProviderFailure provider && provider.isTransient())
                .retry().withBackOff(config.retryBackoff(), config.retryBackoff().multipliedBy(8)).atMost(config.retries());
    }

    /** The model's streamed text as {@link Output.Text}, then its {@link ChatResponse}. */
    private Multi<Object> call(Conversation conversation, AtomicBoolean answered) {
        ChatRequest.Builder request = ChatRequest.builder().messages(List.copyOf(conversation.messages));
        if (!conversation.specifications.isEmpty()) {
            request.toolSpecifications(conversation.specifications);
        }
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<StreamingHandle> handle = new AtomicReference<>();
            // a subscriber that stops (a cancelled run) closes the provider's stream
            emitter.onTermination(() -> {
                StreamingHandle streaming = handle.get();
                if (streaming != null && !streaming.isCancelled()) {
                    streaming.cancel();
                }
            });
            conversation.model.chat(request.build(), new StreamingChatResponseHandler() {
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
                    emitter.emit(response);
                    emitter.complete();
                }

                @Override
                public void onError(Throwable error) {
                    emitter.fail(ProviderFailure.of(error, config.timeout()));
                }
            });
        });
    }

    private static int maxSteps(RunConfig run) {
        return run.maxSteps() <= 0 ? RunConfig.DIRECT_MAX_STEPS : run.maxSteps();
    }

    private static JsonNode arguments(String json) {
        try {
            return JSON.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (IOException malformed) {
            return JSON.createObjectNode().put("unreadable_arguments", json);
        }
    }

    /** A tool as the model is told of it: name, description and its arguments' schema. */
    private static ToolSpecification specification(Tool tool) {
        JsonObjectSchema.Builder parameters = JsonObjectSchema.builder();
        tool.parameters().path("properties").fields().forEachRemaining(property -> {
            JsonNode schema = property.getValue();
            String description = schema.path("description").asText(null);
            if (schema.has("enum")) {
                List<String> values = new ArrayList<>();
                schema.path("enum").forEach(value -> values.add(value.asText()));
                parameters.addEnumProperty(property.getKey(), values, description);
            } else if ("integer".equals(schema.path("type").asText())) {
                parameters.addIntegerProperty(property.getKey(), description);
            } else if ("object".equals(schema.path("type").asText())) {
                parameters.addProperty(property.getKey(), JsonObjectSchema.builder().description(description)
                        .additionalProperties(true).build());
            } else {
                parameters.addStringProperty(property.getKey(), description);
            }
        });
        List<String> required = new ArrayList<>();
        tool.parameters().path("required").forEach(name -> required.add(name.asText()));
        parameters.required(required);
        return ToolSpecification.builder().name(tool.name()).description(tool.description()).parameters(parameters.build()).build();
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
