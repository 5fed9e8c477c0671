package dev.relay.task.run;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.messaging.Outbox;
import dev.relay.task.task.RunStatus;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskRepository;
import dev.relay.task.task.TaskRun;
import dev.relay.task.task.TaskRunRepository;
import io.smallrye.mutiny.Uni;

/**
 * The guard every step of a run passes. Every writer of a run locks its task first and only then reads the run, so
 * the task's lock holds the run still and what a step checks is the run as it is (a run read before the lock would
 * be answered later from the session's cache, as it was before a cancel that committed in between).
 */
@ApplicationScoped
class ActiveRuns {

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final Outbox outbox;

    ActiveRuns(TaskRepository tasks, TaskRunRepository runs, Outbox outbox) {
        this.tasks = tasks;
        this.runs = runs;
        this.outbox = outbox;
    }

    /** One step of a run, given its locked task and the run read under that lock. */
    interface Step<T> {
        Uni<T> apply(Task task, TaskRun run);
    }

    /**
     * In the caller's transaction: locks the task of run {@code streamId}, reads the run, and applies {@code step};
     * answers null, doing nothing, when there is no such run.
     */
    <T> Uni<T> locked(UUID streamId, Step<T> step) {
        return runs.taskIdOf(streamId).chain(taskId -> taskId == null ? Uni.createFrom().<T>nullItem() : locked(taskId, streamId, step));
    }

    /**
     * As {@link #locked(UUID, Step)}, with the run's task as its request named it ({@code taskId}; null: looked up), which
     * saves looking it up: a run of another task is no such run.
     */
    <T> Uni<T> locked(UUID taskId, UUID streamId, Step<T> step) {
        if (taskId == null) {
            return locked(streamId, step);
        }
        return tasks.lock(taskId).chain(task -> task == null ? Uni.createFrom().<T>nullItem()
                : runs.findById(streamId).chain(run -> run == null || !run.taskId.equals(taskId) ? Uni.createFrom().<T>nullItem()
                        : step.apply(task, run)));
    }

    /**
     * Applies {@code step} in a transaction of its own if the run is still active and, when {@code attempt} is given,
     * still claimed by that attempt; answers what the step answered, or null when the run is no longer active.
     */
    <T> Uni<T> whileActive(UUID taskId, UUID streamId, Integer attempt, Step<T> step) {
        return outbox.transaction(() -> tasks.lock(taskId).chain(task -> runs.findById(streamId)
                .chain(run -> run != null && run.runStatus() == RunStatus.ACTIVE && (attempt == null || run.attempt == attempt)
                        ? step.apply(task, run)
                        : Uni.createFrom().<T>nullItem())));
    }

    /** As {@link #whileActive(UUID, UUID, Integer, Step)} for the run as its worker claimed it. */
    <T> Uni<T> whileActive(TaskRun claimed, Step<T> step) {
        return whileActive(claimed.taskId, claimed.id, claimed.attempt, step);
    }

    /** As {@link #whileActive(TaskRun, Step)}; answers whether the run was still active (and the step applied). */
    Uni<Boolean> applied(TaskRun claimed, Step<Void> step) {
        return applied(claimed.taskId, claimed.id, claimed.attempt, step);
    }

    Uni<Boolean> applied(UUID taskId, UUID streamId, Integer attempt, Step<Void> step) {
        return whileActive(taskId, streamId, attempt, (task, run) -> step.apply(task, run).replaceWith(true))
                .map(applied -> applied != null);
    }
}
