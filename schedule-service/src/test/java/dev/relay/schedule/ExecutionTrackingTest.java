package dev.relay.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.auth.Caller;
import dev.relay.common.event.ScheduleChanged;
import dev.relay.common.event.ScheduleFired;
import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import dev.relay.common.schedule.Recurrence;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Execution;
import dev.relay.schedule.domain.Overlap;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.service.ExecutionReports;
import dev.relay.schedule.service.ScheduleFiring;
import dev.relay.schedule.service.Schedules;
import dev.relay.schedule.service.Schedules.ScheduleChanges;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Executions follow their runs as the task service reports them, and a firing while the previous run is still going
 * follows the schedule's overlap policy: skip, buffer_one or allow (queued, one run at a time).
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ExecutionTrackingTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Duration DAY = Duration.ofDays(1);

    @Inject
    Schedules schedules;
    @Inject
    ScheduleFiring firing;
    @Inject
    ExecutionReports reports;
    @Inject
    Outbox outbox;

    private Schedule daily(Overlap overlap) {
        Schedule schedule = TestSchedules.daily(schedules, "acme", "tracker-" + UUID.randomUUID() + "@acme.dev");
        return TestSchedules.await(() -> schedules.update(new Caller(schedule.org, schedule.createdBy, Set.of()), schedule.id,
                new ScheduleChanges(null, null, null, null, null, overlap)));
    }

    private void fireAt(Instant now) {
        TestSchedules.fireAllDue(firing, now);
    }

    /** Executions oldest first, as "status" or "status/attempt" when triggered again. */
    private List<String> statuses(Schedule schedule) {
        return oldestFirst(schedule).stream()
                .map(execution -> execution.attempt == 0 ? execution.status : execution.status + "/" + execution.attempt).toList();
    }

    private Execution execution(Schedule schedule, int index) {
        return oldestFirst(schedule).get(index);
    }

    private List<Execution> oldestFirst(Schedule schedule) {
        List<Execution> executions = new ArrayList<>(TestSchedules.executions(schedules, schedule));
        Collections.reverse(executions);
        return executions;
    }

    private void report(Schedule schedule, int index, String status) {
        TestSchedules.report(reports, outbox, schedule, execution(schedule, index).id, status);
    }

    @Test
    void anExecutionFollowsItsRunFromTheTaskServicesReports() throws Exception {
        Schedule schedule = daily(Overlap.SKIP);
        fireAt(schedule.firstDueAt);
        Execution fired = execution(schedule, 0);
        UUID run = UUID.randomUUID();
        Instant started = Instant.parse("2026-11-24T10:00:01Z");
        // through the topic, twice each, as a redelivery would
        for (int i = 0; i < 2; i++) {
            send(new ScheduledRunReported(fired.id, schedule.id, schedule.taskId, run, ScheduledRunReported.STARTED, null, started, 0));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> execution(schedule, 0).status.equals(Execution.RUNNING));
        for (int i = 0; i < 2; i++) {
            send(new ScheduledRunReported(fired.id, schedule.id, schedule.taskId, run, ScheduledRunReported.FAILED, "the model endpoint was down",
                    started.plusSeconds(5), 0));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> execution(schedule, 0).status.equals(Execution.FAILED));

        Execution ended = execution(schedule, 0);
        assertThat(ended.runId).isEqualTo(run);
        assertThat(ended.startedAt).isEqualTo(started);
        assertThat(ended.completedAt).isEqualTo(started.plusSeconds(5));
        assertThat(ended.reason).isEqualTo("the model endpoint was down");
        // the task service hears of each state, the newest with the highest version
        List<ScheduleChanged> states = TestTopics.readUntil(Topics.SCHEDULE_UPDATES, Duration.ofSeconds(20), records -> records.stream()
                .filter(record -> record.key().equals(schedule.id.toString())).anyMatch(record -> record.value().contains("\"failed\"")))
                .stream().filter(record -> record.key().equals(schedule.id.toString())).map(record -> read(record.value())).toList();
        ScheduleChanged newest = states.stream().max((a, b) -> Long.compare(a.version(), b.version())).orElseThrow();
        // before its run started, the execution (the seeds' ExecutionInfo, started_at required) started when it fired
        ScheduleChanged pending = states.stream().filter(state -> state.execution() != null)
                .min((a, b) -> Long.compare(a.version(), b.version())).orElseThrow();
        assertThat(pending.execution().status()).isEqualTo("pending");
        assertThat(pending.execution().startedAt()).isCloseTo(fired.firedAt, within(1, ChronoUnit.MILLIS));
        assertThat(newest.execution().status()).isEqualTo("failed");
        assertThat(newest.execution().startedAt()).isEqualTo(started);
        assertThat(newest.executionCount()).isEqualTo(1);
        assertThat(states.stream().map(ScheduleChanged::version).distinct().count()).isEqualTo(states.size());
    }

    @Test
    void skipRecordsAFiringThatOverlapsTheRunningOneAsSkipped() {
        Schedule schedule = daily(Overlap.SKIP);
        fireAt(schedule.firstDueAt);
        report(schedule, 0, ScheduledRunReported.STARTED);
        fireAt(schedule.firstDueAt.plus(DAY));

        assertThat(statuses(schedule)).containsExactly("running", "skipped");
        assertThat(execution(schedule, 1).reason).contains("overlap");
        Schedule after = TestSchedules.await(() -> schedules.find(schedule.id));
        assertThat(after.executionCount).isEqualTo(1);
        assertThat(after.nextDueAt).isEqualTo(schedule.firstDueAt.plus(DAY.multipliedBy(2)));
    }

    @Test
    void bufferOneKeepsOneFiringUntilTheRunEndsAndSkipsTheRest() {
        Schedule schedule = daily(Overlap.BUFFER_ONE);
        fireAt(schedule.firstDueAt);
        report(schedule, 0, ScheduledRunReported.STARTED);
        fireAt(schedule.firstDueAt.plus(DAY));
        fireAt(schedule.firstDueAt.plus(DAY.multipliedBy(2)));
        assertThat(statuses(schedule)).containsExactly("running", "buffered", "skipped");

        report(schedule, 0, ScheduledRunReported.COMPLETED);

        assertThat(statuses(schedule)).containsExactly("completed", "pending/1", "skipped");
        Execution released = execution(schedule, 1);
        ScheduleFired trigger = triggerOf(schedule, released.id);
        assertThat(trigger.attempt()).isEqualTo(1);
        assertThat(trigger.scheduledAt()).isEqualTo(schedule.firstDueAt.plus(DAY));
    }

    @Test
    void allowQueuesEveryFiringAndStartsThemOneAfterAnother() {
        Schedule schedule = daily(Overlap.ALLOW);
        fireAt(schedule.firstDueAt);
        fireAt(schedule.firstDueAt.plus(DAY));
        fireAt(schedule.firstDueAt.plus(DAY.multipliedBy(2)));
        assertThat(statuses(schedule)).containsExactly("pending", "buffered", "buffered");

        report(schedule, 0, ScheduledRunReported.STARTED);
        report(schedule, 0, ScheduledRunReported.COMPLETED);
        assertThat(statuses(schedule)).containsExactly("completed", "pending/1", "buffered");
        report(schedule, 1, ScheduledRunReported.STARTED);
        report(schedule, 1, ScheduledRunReported.FAILED);
        assertThat(statuses(schedule)).containsExactly("completed", "failed/1", "pending/1");
    }

    @Test
    void aTriggerThatFoundTheTaskBusyIsSkippedOrTriedAgainByPolicy() {
        Schedule skipping = daily(Overlap.SKIP);
        Schedule queueing = daily(Overlap.ALLOW);
        fireAt(queueing.firstDueAt.isAfter(skipping.firstDueAt) ? queueing.firstDueAt : skipping.firstDueAt);

        report(skipping, 0, ScheduledRunReported.BUSY);
        report(queueing, 0, ScheduledRunReported.BUSY);

        assertThat(statuses(skipping)).containsExactly("skipped");
        assertThat(TestSchedules.await(() -> schedules.find(skipping.id)).executionCount).isZero();
        assertThat(statuses(queueing)).containsExactly("buffered");
        Instant retryAt = execution(queueing, 0).releaseAt;
        assertThat(retryAt).isAfter(Instant.now());

        TestSchedules.releaseAllDue(firing, retryAt.minusSeconds(1));
        assertThat(statuses(queueing)).containsExactly("buffered");
        TestSchedules.releaseAllDue(firing, retryAt);
        assertThat(statuses(queueing)).containsExactly("pending/1");
        assertThat(triggerOf(queueing, execution(queueing, 0).id).attempt()).isEqualTo(1);
    }

    @Test
    void aFailedOneTimeScheduleIsFailed() {
        Schedule once = TestSchedules.await(() -> schedules.create(UUID.randomUUID(), "acme", "once-" + UUID.randomUUID() + "@acme.dev", null,
                Recurrence.once(LocalTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.MINUTES), ZoneOffset.UTC), CatchUp.SKIP));
        fireAt(once.firstDueAt);
        report(once, 0, ScheduledRunReported.REFUSED);

        assertThat(statuses(once)).containsExactly("failed");
        assertThat(TestSchedules.await(() -> schedules.find(once.id)).status).isEqualTo(Schedule.FAILED);
    }

    private static void send(ScheduledRunReported report) throws Exception {
        TestTopics.send(Topics.SCHEDULE_RUNS, report.scheduleId().toString(), JSON.writeValueAsString(report), Map.of());
    }

    private static ScheduleChanged read(String value) {
        try {
            return JSON.readValue(value, ScheduleChanged.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The trigger the execution's latest attempt published. */
    private static ScheduleFired triggerOf(Schedule schedule, UUID executionId) {
        return TestTopics.readUntil(Topics.TASK_TRIGGERS, Duration.ofSeconds(20), records -> records.stream()
                        .anyMatch(record -> record.value().contains(executionId.toString()) && record.value().contains("\"attempt\":1")))
                .stream().filter(record -> record.key().equals(schedule.taskId.toString()))
                .map(record -> {
                    try {
                        return JSON.readValue(record.value(), ScheduleFired.class);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .filter(fired -> fired.executionId().equals(executionId))
                .max((a, b) -> Integer.compare(a.attempt(), b.attempt())).orElseThrow();
    }
}
