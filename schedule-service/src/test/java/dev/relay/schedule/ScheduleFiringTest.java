package dev.relay.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.event.ScheduledRunReported;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.Outbox;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.common.schedule.Frequency;
import dev.relay.common.schedule.Recurrence;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.service.ExecutionReports;
import dev.relay.schedule.service.ScheduleFiring;
import dev.relay.schedule.service.Schedules;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Firing due schedules against the real database and broker; the tests choose the instant ("now") they fire at. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ScheduleFiringTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Schedules schedules;
    @Inject
    ScheduleFiring firing;
    @Inject
    Pool pool;
    @Inject
    ExecutionReports reports;
    @Inject
    Outbox outbox;

    /** A schedule of a new task first due within the next hour (at the next whole minute an hour from now, UTC). */
    private Schedule create(Frequency frequency, CatchUp catchUp) throws Throwable {
        LocalTime start = LocalTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.MINUTES);
        Recurrence recurrence = frequency == null ? Recurrence.once(start, ZoneOffset.UTC) : new Recurrence(frequency, start, ZoneOffset.UTC);
        return VertxContextSupport.subscribeAndAwait(() -> schedules.create(UUID.randomUUID(), "acme", "alice@acme.dev", "nightly", recurrence, catchUp));
    }

    private int fireAt(Instant now) {
        return TestSchedules.fireAllDue(firing, now);
    }

    private List<Row> executions(UUID schedule) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery("SELECT scheduled_at, status, reason FROM schedule.schedule_execution WHERE schedule_id = $1 ORDER BY scheduled_at")
                .execute(Tuple.of(schedule)).await().indefinitely().forEach(rows::add);
        return rows;
    }

    private Schedule reload(UUID id) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> schedules.find(id));
    }

    /** The triggers of {@code tasks} on the topic, read until {@code expected} arrived (or 20 s passed). */
    private static List<JsonNode> triggersOf(Set<UUID> tasks, int expected) {
        return triggersOf(tasks, Duration.ofSeconds(20),
                records -> records.stream().filter(record -> tasks.contains(UUID.fromString(record.key()))).count() >= expected);
    }

    private static List<JsonNode> triggersOf(Set<UUID> tasks, Duration timeout,
            java.util.function.Predicate<List<ConsumerRecord<String, String>>> enough) {
        List<ConsumerRecord<String, String>> read = TestTopics.readUntil(Topics.TASK_TRIGGERS, timeout, enough);
        List<JsonNode> triggers = new ArrayList<>();
        for (ConsumerRecord<String, String> record : read) {
            if (tasks.contains(UUID.fromString(record.key()))) {
                try {
                    triggers.add(JSON.readTree(record.value()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return triggers;
    }

    @Test
    void aOneTimeScheduleFiresOnceAtItsDueTimeAndCompletes() throws Throwable {
        Schedule once = create(null, CatchUp.SKIP);
        Instant due = once.firstDueAt;

        fireAt(due.minusSeconds(1));
        assertThat(executions(once.id)).isEmpty();
        fireAt(due);
        fireAt(due.plus(Duration.ofHours(30)));

        assertThat(executions(once.id)).hasSize(1);
        assertThat(executions(once.id).get(0).getString("status")).isEqualTo("pending");
        Schedule after = reload(once.id);
        assertThat(after.status).isEqualTo(Schedule.COMPLETED);
        assertThat(after.nextDueAt).isNull();
        assertThat(after.executionCount).isEqualTo(1);
        List<JsonNode> triggers = triggersOf(Set.of(once.taskId), 1);
        assertThat(triggers).hasSize(1);
        assertThat(triggers.get(0).get("schedule_id").asText()).isEqualTo(once.id.toString());
        assertThat(Instant.parse(triggers.get(0).get("scheduled_at").asText())).isEqualTo(due);
    }

    @Test
    void aDailyScheduleFiresEveryDayAndShowsItsNextDueTime() throws Throwable {
        Schedule daily = create(Frequency.DAILY, CatchUp.SKIP);
        Instant first = daily.firstDueAt;

        fireAt(first);
        // its run ended (as the task service reports), so the next firing does not overlap it
        TestSchedules.report(reports, outbox, daily, TestSchedules.executions(schedules, daily).get(0).id, ScheduledRunReported.COMPLETED);
        fireAt(first.plus(Duration.ofDays(1)));

        assertThat(executions(daily.id)).extracting(row -> row.getOffsetDateTime("scheduled_at").toInstant())
                .containsExactly(first, first.plus(Duration.ofDays(1)));
        Schedule after = reload(daily.id);
        assertThat(after.nextDueAt).isEqualTo(first.plus(Duration.ofDays(2)));
        assertThat(after.executionCount).isEqualTo(2);
        assertThat(triggersOf(Set.of(daily.taskId), 2)).hasSize(2);
    }

    @Test
    void aMissedDueTimeIsSkippedByDefaultAndRunOnceWhenAsked() throws Throwable {
        Schedule skipping = create(Frequency.DAILY, CatchUp.SKIP);
        Schedule catchingUp = create(Frequency.DAILY, CatchUp.RUN_ONCE);
        Instant late = skipping.firstDueAt.plus(Duration.ofMinutes(10));

        fireAt(late);

        assertThat(executions(skipping.id)).singleElement().satisfies(row -> {
            assertThat(row.getString("status")).isEqualTo("skipped");
            assertThat(row.getString("reason")).startsWith("missed");
        });
        assertThat(reload(skipping.id).nextDueAt).isEqualTo(skipping.firstDueAt.plus(Duration.ofDays(1)));
        assertThat(reload(skipping.id).executionCount).isZero();
        assertThat(executions(catchingUp.id)).singleElement().satisfies(row -> assertThat(row.getString("status")).isEqualTo("pending"));
        // read for a while: a skipped due time must publish nothing
        assertThat(triggersOf(Set.of(catchingUp.taskId, skipping.taskId), Duration.ofSeconds(3), records -> false))
                .singleElement().satisfies(trigger -> assertThat(trigger.get("task_id").asText()).isEqualTo(catchingUp.taskId.toString()));
    }

    @Test
    void manySchedulesDueTogetherFireExactlyOnceWhateverNumberOfFirersClaimsThem() throws Throwable {
        List<Schedule> due = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            due.add(create(null, CatchUp.SKIP));
        }
        Instant now = due.stream().map(s -> s.firstDueAt).max(Instant::compareTo).orElseThrow();

        ExecutorService firers = Executors.newFixedThreadPool(4);
        List<Future<Integer>> fired = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fired.add(firers.submit(() -> {
                try {
                    return fireAt(now);
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Future<Integer> each : fired) {
            each.get();
        }
        firers.shutdown();

        Set<UUID> tasks = new HashSet<>();
        for (Schedule schedule : due) {
            tasks.add(schedule.taskId);
            assertThat(executions(schedule.id)).as("executions of %s", schedule.id).hasSize(1);
        }
        List<JsonNode> triggers = triggersOf(tasks, 200);
        assertThat(triggers).hasSize(200);
        assertThat(triggers.stream().map(trigger -> trigger.get("execution_id").asText()).distinct()).hasSize(200);
    }
}
