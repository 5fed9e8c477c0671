package dev.relay.task.agent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.relay.task.task.RunConfig;
import dev.relay.task.agent.tools.Tool;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Works runs with a real model behind an OpenAI-compatible chat-completions endpoint (LangChain4j's OpenAI client):
 * the provider's streamed tokens become {@link Output.Text}, its usage the reply's token counts. Which provider model
 * a run uses follows {@link LlmConfig}: the task's model name through the map, {@code auto} by the run's mode.
 */
class OpenAiCompatibleAgent implements AgentRuntime {

    static final ToolSpecification ASK_QUESTION = ToolSpecification.builder().name("ask_question")
            .description("Ask the user a question and wait for their answer (the run is suspended until they answer).")
            .parameters(JsonObjectSchema.builder().addStringProperty("question", "the question, complete and specific")
                    .required("question").build())
            .build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProviderCalls provider;
    private final int maxOutputTokens;

    OpenAiCompatibleAgent(LlmConfig config) {
        this.provider = new ProviderCalls(config);
        this.maxOutputTokens = config.maxOutputTokens();
    }

    @Override
    public Multi<Output> run(List<Turn> conversation, RunConfig run, Answer answer, Tools tools) {
        Phase phase = AgentPrompts.plans(run) && (answer == null || !answer.approved()) ? Phase.PLAN : Phase.EXECUTE;
        return step(new Conversation(AgentPrompts.opening(conversation, run, answer), run, tools), phase, 1, 0);
    }

    /** Where a run is: planning (read-only tools, ends with a plan) or executing (its checks included). */
    private enum Phase {
        PLAN, EXECUTE
    }

    /** What one run's steps share: the model, the messages so far, its settings and tools. */
    private static final class Conversation {
        final List<ChatMessage> messages;
        final RunConfig run;
        final Tools tools;

        Conversation(List<ChatMessage> messages, RunConfig run, Tools tools) {
            this.messages = messages;
            this.run = run;
            this.tools = tools;
        }

        /** The tools the model is offered in {@code phase}: planning only reads; ask_question when the task allows. */
        List<ToolSpecification> specifications(Phase phase) {
            List<ToolSpecification> specifications = new ArrayList<>(tools.offer(phase == Phase.PLAN).stream()
                    .map(Tool::specification).toList());
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
        // what the user sent into the run meanwhile (multitask_strategy steer) joins the conversation before the call
        return conversation.tools.steered().onItem().transformToMulti(steered -> {
            steered.forEach(message -> conversation.messages.add(UserMessage.from(message.isEmpty() ? "(empty message)" : message)));
            return call(conversation, phase, number, iteration);
        });
    }

    /** As {@link #step}, the call itself. */
    private Multi<Output> call(Conversation conversation, Phase phase, int number, int iteration) {
        StringBuilder text = new StringBuilder();
        List<ToolSpecification> specifications = conversation.specifications(phase);
        // the call's cost is reserved against the run's budgets first: it may produce only what they have room for
        return conversation.tools.outputAllowance(PromptSize.upperBound(conversation.messages, specifications), maxOutputTokens)
                .onItem().transformToMulti(allowed -> provider.callWithRetries(conversation.run, conversation.messages, specifications,
                        conversation.tools, (int) Math.min(allowed, Integer.MAX_VALUE)))
                .onItem().transformToMultiAndConcatenate(item -> {
            if (item instanceof Output.Text delta) {
                text.append(delta.delta());
                return Multi.createFrom().item(delta);
            }
            ProviderCalls.Served served = (ProviderCalls.Served) item;
            ChatResponse response = served.response();
            TokenUsage tokens = response.tokenUsage();
            Output usage = new Output.Usage(conversation.run.model(), tokens == null ? 0 : count(tokens.inputTokenCount()),
                    tokens == null ? 0 : count(tokens.outputTokenCount()), served.by());
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
            conversation.messages.add(UserMessage.from(AgentPrompts.PLAN_APPROVED));
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(new Output.Text("\n\n")),
                    step(conversation, Phase.EXECUTE, number + 1, iteration));
        }
        if (number >= maxSteps(run)) {
            // a message sent into the run now is answered by a run of its own
            return Multi.createFrom().item(Output.Finished.done());
        }
        return conversation.tools.steered().onItem().transformToMulti(steered -> {
            if (steered.isEmpty() && iteration >= run.maxIterations()) {
                return Multi.createFrom().item(Output.Finished.done());
            }
            conversation.messages.add(AiMessage.from(text.isEmpty() ? "(no answer)" : text));
            // the user's messages sent into the run while it answered are answered next; else the answer is checked
            steered.forEach(message -> conversation.messages.add(UserMessage.from(message.isEmpty() ? "(empty message)" : message)));
            if (steered.isEmpty()) {
                conversation.messages.add(UserMessage.from(AgentPrompts.VERIFY_INSTRUCTIONS));
            }
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(new Output.Text("\n\n")),
                    step(conversation, Phase.EXECUTE, number + 1, steered.isEmpty() ? iteration + 1 : iteration));
        });
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
                        .invoke(result -> conversation.messages.add(ToolExecutionResultMessage.from(request, ChatHistory.resultText(result))))
                        .replaceWith((Question) null);
            });
        }
        return calls;
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

    private static int count(Integer tokens) {
        return tokens == null ? 0 : tokens;
    }
}
