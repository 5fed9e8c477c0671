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
import dev.relay.task.runtime.tools.ToolResult;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Works runs with a real model behind an OpenAI-compatible chat-completions endpoint (LangChain4j's OpenAI client):
 * the provider's streamed tokens become {@link Output.Text}, its usage the reply's token counts. Which provider model
 * a run uses follows {@link LlmConfig}: the task's model name through the map, {@code auto} by the run's mode.
 */
public class OpenAiCompatibleAgent implements AgentRuntime {

    private static final String INSTRUCTIONS = "You are Relay's agent. You work the user's task and answer in plain, "
            + "precise prose; say what you checked and what you found. Use the tools you are given to look things up "
            + "rather than guessing; say so when a task needs a tool you do not have.";

    private static final String ASK_INSTRUCTIONS = "When you cannot go on without the user's decision or a fact only "
            + "they know, call ask_question; the run waits for their answer.";
    private static final String PLAN_INSTRUCTIONS = "Plan mode: gather what you need with the read-only tools you have, "
            + "then answer with a numbered plan of what you would do. Do not carry it out yet.";
    private static final String PLAN_APPROVED = "The plan is approved. Carry it out now, then report what you did.";
    private static final String VERIFY_INSTRUCTIONS = "Verify your work: check with your tools that the task is done as "
            + "asked. Fix what is missing, then answer with the final result.";
    static final ToolSpecification ASK_QUESTION = ToolSpecification.builder().name("ask_question")
            .description("Ask the user a question and wait for their answer (the run is suspended until they answer).")
            .parameters(JsonObjectSchema.builder().addStringProperty("question", "the question, complete and specific")
                    .required("question").build())
            .build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlmConfig config;
    private final Map<String, StreamingChatModel> models = new ConcurrentHashMap<>();

    public OpenAiCompatibleAgent(LlmConfig config) {
        this.config = config;
    }

    @Override
    public Multi<Output> run(List<Turn> conversation, RunConfig run, Approval answer, Tools tools) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(INSTRUCTIONS + " Mode: " + run.mode() + "."
                + (run.askQuestion() ? " " + ASK_INSTRUCTIONS : "")));
        messages.addAll(messages(conversation));
        Phase phase = Phase.EXECUTE;
        if ("plan".equals(run.mode())) {
            phase = answer != null && answer.isApproved() ? Phase.EXECUTE : Phase.PLAN;
            messages.add(UserMessage.from(answer == null ? PLAN_INSTRUCTIONS : answer.isApproved() ? PLAN_APPROVED
                    : "The plan is not approved." + (answer.instructions() == null ? "" : " " + answer.instructions())
                            + " Revise it."));
        } else if (answer != null) {
            messages.add(UserMessage.from(answer.isApproved() ? "Confirmed: go ahead."
                    : "Do not go ahead." + (answer.instructions() == null ? "" : " Instead: " + answer.instructions())));
        }
        return step(new Conversation(model(providerModel(run)), messages, run, tools), phase, 1, 0);
    }

    /** Where a run is: planning (read-only tools, ends with a plan) or executing (its checks included). */
    private enum Phase {
        PLAN, EXECUTE
    }

    /**
     * The conversation so far as chat messages: an assistant's text and the calls that follow it are one assistant
     * message, each call's result a tool message after it.
     */
    static List<ChatMessage> messages(List<Turn> conversation) {
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

    private static String resultText(ToolResult result) {
        return (result.error() ? "error: " : "") + result.output();
    }

    /** What one run's steps share: the model, the messages so far, its settings and tools. */
    private static final class Conversation {
        final StreamingChatModel model;
        final List<ChatMessage> messages;
        final RunConfig run;
        final Tools tools;

        Conversation(StreamingChatModel model, List<ChatMessage> messages, RunConfig run, Tools tools) {
            this.model = model;
            this.messages = messages;
            this.run = run;
            this.tools = tools;
        }

        /** The tools the model is offered in {@code phase}: planning only reads; ask_question when the task allows. */
        List<ToolSpecification> specifications(Phase phase) {
            List<ToolSpecification> specifications = new ArrayList<>(tools.available().stream()
                    .filter(tool -> phase != Phase.PLAN || !tool.mayChange()).map(Tool::specification).toList());
            if (run.askQuestion()) {
                specifications.add(ASK_QUESTION);
            }
            return specifications;
        }
    }

    /**
     * One model call: its text goes out as it comes, its usage after it; when it asks for tools, each is called in
     * turn (recorded on the run), the results go back to the model and the next step follows — at most
     * {@code max_steps} model calls. A call of ask_question ends the run's work until the user answers; a plan ends
     * with the user's approval unless {@code auto_execute}; an answer is followed by {@code max_iterations} checks.
     */
    private Multi<Output> step(Conversation conversation, Phase phase, int number, int iteration) {
        StringBuilder text = new StringBuilder();
        return callWithRetries(conversation, phase).onItem().transformToMultiAndConcatenate(item -> {
            if (item instanceof Output.Text delta) {
                text.append(delta.delta());
                return Multi.createFrom().item(delta);
            }
            ChatResponse response = (ChatResponse) item;
            TokenUsage tokens = response.tokenUsage();
            Output usage = new Output.Usage(conversation.run.model(), tokens == null ? 0 : count(tokens.inputTokenCount()),
                    tokens == null ? 0 : count(tokens.outputTokenCount()));
            AiMessage message = response.aiMessage();
            Multi<Output> next;
            if (message == null || !message.hasToolExecutionRequests()) {
                next = answered(conversation, phase, number, iteration, text.toString());
            } else if (number >= maxSteps(conversation.run)) {
                String notice = (text.isEmpty() ? "" : "\n\n") + "[stopped: the run reached its limit of "
                        + maxSteps(conversation.run) + " model calls (max_steps)]";
                next = Multi.createFrom().items(new Output.Text(notice), Output.Finished.done());
            } else {
                next = callTools(conversation, message).onItem().transformToMulti(question -> question != null
                        ? Multi.createFrom().<Output>item(new Output.Finished(question))
                        : step(conversation, phase, number + 1, iteration));
            }
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(usage), next);
        });
    }

    /** The model answered without calling a tool: a plan goes to the user (or on), an answer is checked or final. */
    private Multi<Output> answered(Conversation conversation, Phase phase, int number, int iteration, String text) {
        RunConfig run = conversation.run;
        if (phase == Phase.PLAN) {
            if (!run.autoExecute()) {
                return Multi.createFrom().item(new Output.Finished(new Question("Approve this plan?", null)));
            }
            conversation.messages.add(AiMessage.from(text.isEmpty() ? "(no plan)" : text));
            conversation.messages.add(UserMessage.from(PLAN_APPROVED));
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(new Output.Text("\n\n")),
                    step(conversation, Phase.EXECUTE, number + 1, iteration));
        }
        if (iteration >= run.maxIterations() || number >= maxSteps(run)) {
            return Multi.createFrom().item(Output.Finished.done());
        }
        conversation.messages.add(AiMessage.from(text.isEmpty() ? "(no answer)" : text));
        conversation.messages.add(UserMessage.from(VERIFY_INSTRUCTIONS));
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(new Output.Text("\n\n")),
                step(conversation, Phase.EXECUTE, number + 1, iteration + 1));
    }

    /**
     * Calls the tools the model asked for, in order, adding their results to the conversation; answers the
     * question of an ask_question call (the calls after it are not made), else null.
     */
    private static Uni<Question> callTools(Conversation conversation, AiMessage message) {
        conversation.messages.add(message);
        Uni<Question> calls = Uni.createFrom().nullItem();
        for (ToolExecutionRequest request : message.toolExecutionRequests()) {
            calls = calls.chain(question -> {
                if (question != null) {
                    return Uni.createFrom().item(question);
                }
                if (ASK_QUESTION.name().equals(request.name())) {
                    String asked = arguments(request.arguments()).path("question").asText("");
                    return Uni.createFrom().item(new Question(asked.isBlank() ? "(the agent asked an empty question)" : asked,
                            request.id()));
                }
                return conversation.tools.call(request.id(), request.name(), arguments(request.arguments()))
                        .invoke(result -> conversation.messages.add(ToolExecutionResultMessage.from(request, resultText(result))))
                        .replaceWith((Question) null);
            });
        }
        return calls;
    }

    /** A call refused before its first token (429, 5xx, unreachable) is tried again; once text went out, never. */
    private Multi<Object> callWithRetries(Conversation conversation, Phase phase) {
        AtomicBoolean answered = new AtomicBoolean();
        Multi<Object> output = Multi.createFrom().deferred(() -> call(conversation, phase, answered));
        return config.retries() == 0 ? output : output
                .onFailure(failure -> !answered.get() && failure instanceof ProviderFailure provider && provider.isTransient())
                .retry().withBackOff(config.retryBackoff(), config.retryBackoff().multipliedBy(8)).atMost(config.retries());
    }

    /**
     * The model's streamed text as {@link Output.Text}, then its {@link ChatResponse}; nothing for
     * {@code relay.llm.timeout} (before the first token or between two) fails the call.
     */
    private Multi<Object> call(Conversation conversation, Phase phase, AtomicBoolean answered) {
        ChatRequest.Builder request = ChatRequest.builder().messages(List.copyOf(conversation.messages));
        List<ToolSpecification> specifications = conversation.specifications(phase);
        if (!specifications.isEmpty()) {
            request.toolSpecifications(specifications);
        }
        // the HTTP client's timeout ends with the response's headers: a stream that stalls after them ends here
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<StreamingHandle> handle = new AtomicReference<>();
            // a cancelled run ends the call at once: the provider's stream is closed (when it has begun) by the subscriber
            // that stops, and the run's worker stops waiting for a provider that is still silent
            conversation.tools.onStop(() -> emitter.fail(new RunStopped()));
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
