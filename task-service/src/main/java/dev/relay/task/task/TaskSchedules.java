package dev.relay.task.task;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.ScheduleChanged;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Keeps each task's {@code schedule_info} as the schedule service last reported it: a report is applied only when its
 * version is higher than the one the task shows, so reports delivered again or out of order change nothing.
 */
@ApplicationScoped
class TaskSchedules {

    private final TaskRepository tasks;

    TaskSchedules(TaskRepository tasks) {
        this.tasks = tasks;
    }

    /** Applies {@code change}; answers whether the task's view changed. */
    public Uni<Boolean> apply(ScheduleChanged change) {
        return Panache.withTransaction(() -> tasks.lock(change.taskId()).map(task -> {
            if (task == null || !task.org.equals(change.org()) || task.schedule == null || !change.scheduleId().equals(task.schedule.id())
                    || change.version() <= task.schedule.version()) {
                return false;
            }
            task.schedule = change.status().equals(ScheduleChanged.DELETED)
                    ? new Schedule(task.schedule.id(), task.schedule.name(), task.schedule.type(), task.schedule.frequency(),
                            task.schedule.startTime(), task.schedule.timeZone(), Schedule.DELETED, task.schedule.executionCount(),
                            task.schedule.lastExecutedAt(), null, task.schedule.execution(), change.version())
                    : new Schedule(change.scheduleId(), change.name(), change.scheduleType(), change.frequency(), change.startTime(),
                            change.timeZone(), change.status(), change.executionCount(), change.lastExecutedAt(), change.nextExecutionAt(),
                            change.execution(), change.version());
            return true;
        }));
    }
}
