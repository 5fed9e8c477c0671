package dev.relay.task.run;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.agent.AgentRuntime.Output;
import dev.relay.task.task.TaskMessage;
import dev.relay.task.task.TaskMessageRepository;
import dev.relay.task.task.TaskRun;
import io.smallrye.mutiny.Uni;

/** The messages sent into a working run ({@code multitask_strategy} steer), taken in by its agent before a model call. */
@ApplicationScoped
class SteeredMessages {

    private final ActiveRuns activeRuns;
    private final TaskMessageRepository messages;
    private final ModelCallUsage calls;

    SteeredMessages(ActiveRuns activeRuns, TaskMessageRepository messages, ModelCallUsage calls) {
        this.calls = calls;
        this.activeRuns = activeRuns;
        this.messages = messages;
    }

    /**
     * Takes in the messages sent into the claimed run since its agent last looked, in the order they were sent (their
     * text, for the agent's conversation); null once the run is no longer active. {@code lastCall}, the usage of its
     * last model call when not reported yet (else null), is reported first, in the same transaction.
     */
    Uni<List<String>> takeIn(TaskRun claimed, Output.Usage lastCall) {
        return activeRuns.whileActive(claimed, (task, run) -> calls.record(task, run, lastCall).chain(() -> messages.steersPendingInto(run.id)).map(pending -> {
            pending.forEach(TaskMessage::takenIn);
            return pending.stream().map(message -> message.content).toList();
        }));
    }

    /** Of a run's messages ({@code ofRun}, in order), those sent into it that its agent did not take in. */
    static List<TaskMessage> notTakenIn(TaskRun run, List<TaskMessage> ofRun) {
        return ofRun.stream().filter(message -> message.steersPendingInto(run.id)).toList();
    }
}
