package dev.relay.task.agent;

import java.util.ArrayList;
import java.util.List;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.relay.task.task.RunConfig;

/** What Relay tells the model: its instructions, by mode, and how a run begins after the user's answer. */
final class AgentPrompts {

    private static final String INSTRUCTIONS = "You are Relay's agent. You work the user's task and answer in plain, "
            + "precise prose; say what you checked and what you found. Use the tools you are given to look things up "
            + "rather than guessing; say so when a task needs a tool you do not have.";

    private static final String ASK_INSTRUCTIONS = "When you cannot go on without the user's decision or a fact only "
            + "they know, call ask_question; the run waits for their answer.";
    private static final String PLAN_INSTRUCTIONS = "Plan mode: gather what you need with the read-only tools you have, "
            + "then answer with a numbered plan of what you would do. Do not carry it out yet.";
    static final String PLAN_APPROVED = "The plan is approved. Carry it out now, then report what you did.";
    static final String VERIFY_INSTRUCTIONS = "Verify your work: check with your tools that the task is done as "
            + "asked. Fix what is missing, then answer with the final result.";

    private AgentPrompts() {
    }

    /**
     * The messages a run starts from: the instructions for its mode, the conversation so far, and in plan mode the
     * planning instruction (or the user's verdict on the plan), else the user's answer to a confirmation.
     */
    static List<ChatMessage> opening(List<Turn> conversation, RunConfig run, Answer answer) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(INSTRUCTIONS + " Mode: " + run.mode() + "."
                + (run.askQuestion() ? " " + ASK_INSTRUCTIONS : "")));
        messages.addAll(ChatHistory.of(conversation));
        if (plans(run)) {
            messages.add(UserMessage.from(answer == null ? PLAN_INSTRUCTIONS : answer.approved() ? PLAN_APPROVED
                    : "The plan is not approved." + (answer.instructions() == null ? "" : " " + answer.instructions())
                            + " Revise it."));
        } else if (answer != null) {
            messages.add(UserMessage.from(answer.approved() ? "Confirmed: go ahead."
                    : "Do not go ahead." + (answer.instructions() == null ? "" : " Instead: " + answer.instructions())));
        }
        return messages;
    }

    static boolean plans(RunConfig run) {
        return "plan".equals(run.mode());
    }
}
