package dev.relay.task.task;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.task.budgets.Admission;
import io.smallrye.mutiny.Uni;

/** A schedule's firing starts a run of its task, unless the task is gone or busy. */
@ApplicationScoped
class ScheduledRuns {

    private static final Logger LOG = Logger.getLogger(ScheduledRuns.class);

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final ScheduleReports scheduleReports;
    private final RunRequests requests;

    ScheduledRuns(TaskRepository tasks, TaskRunRepository runs, TaskMessageRepository messages, ScheduleReports scheduleReports,
            RunRequests requests) {
        this.tasks = tasks;
        this.runs = runs;
        this.messages = messages;
        this.scheduleReports = scheduleReports;
        this.requests = requests;
    }

    /**
     * Starts a run of the task for a schedule's firing, in the caller's transaction: the task's first user message
     * again, with its latest run's configuration. Answers false, starting nothing, when the task is unknown (or of
     * another organization) or a run of it is still going (overlap: the firing is skipped).
     */
    Uni<Boolean> start(ScheduleFired trigger) {
        return tasks.lock(trigger.taskId()).chain(task -> {
            if (task == null || !task.org.equals(trigger.org())) {
                LOG.warnf("schedule %s fired for task %s, which is not here: nothing started", trigger.scheduleId(), trigger.taskId());
                return scheduleReports.notStarted(trigger, ScheduledRunReported.REFUSED, "the task does not exist").replaceWith(false);
            }
            return runs.latestOf(task.id).chain(latest -> {
                if (latest != null && !latest.runStatus().isFinished()) {
                    LOG.infof("schedule %s fired while task %s has a run in progress: not started", trigger.scheduleId(), task.id);
                    return scheduleReports.notStarted(trigger, ScheduledRunReported.BUSY, "another run of the task was in progress")
                            .replaceWith(false);
                }
                return scheduledRequestOf(task, latest).chain(scheduled -> {
                    NewTask again = new NewTask(task.id, null, scheduled.prompt(), scheduled.parts(),
                            scheduled.fileKeys() == null ? JsonNodeFactory.instance.arrayNode() : scheduled.fileKeys(),
                            task.visibility, null, null, false, null, scheduled.runConfig(), null, null, null, null, null);
                    return requests.request(task, again, trigger).map(Admission::admitted);
                });
            });
        });
    }

    /**
     * What a firing runs: the prompt the task was created with and the settings of its latest run (or of the create,
     * before any run); for a task created before Relay kept its scheduled request, its first user message.
     */
    private Uni<ScheduledRequest> scheduledRequestOf(Task task, TaskRun latest) {
        if (task.scheduledRequest != null) {
            ScheduledRequest kept = task.scheduledRequest;
            return Uni.createFrom().item(latest == null ? kept : new ScheduledRequest(kept.prompt(), kept.parts(), kept.fileKeys(), latest.runConfig));
        }
        return messages.ofTask(task.id).map(all -> {
            TaskMessage first = all.stream().filter(message -> "user".equals(message.role)).findFirst().orElse(null);
            return new ScheduledRequest(first == null ? "" : first.content,
                    first == null ? JsonNodeFactory.instance.arrayNode() : first.parts, null, latest == null ? null : latest.runConfig);
        });
    }
}
