package dev.relay.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.LocalTime;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.ScheduleChanged;
import dev.relay.common.event.ScheduleRequested;
import dev.relay.common.event.Topics;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.service.Schedules;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** A task created with a schedule asks for it on schedule-requests; the schedule is made once. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ScheduleRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Inject
    Schedules schedules;

    private Schedule find(UUID id) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> schedules.find(id));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRequestedScheduleIsMadeOnceWithTheIdTheTaskServiceGaveIt() throws Throwable {
        UUID id = UUID.randomUUID();
        ScheduleRequested request = new ScheduleRequested(id, UUID.randomUUID(), "acme", "alice@acme.dev", "nightly",
                "recurring", "weekly", "07:45", "Europe/Berlin", null);
        String payload = JSON.writeValueAsString(request);
        TestTopics.send(Topics.SCHEDULE_REQUESTS, request.taskId().toString(), payload, Map.of());
        TestTopics.send(Topics.SCHEDULE_REQUESTS, request.taskId().toString(), payload, Map.of());

        Schedule made = await().atMost(Duration.ofSeconds(20))
                .until(() -> find(id), found -> found != null);
        assertThat(made.taskId).isEqualTo(request.taskId());
        assertThat(made.frequency).isEqualTo("weekly");
        assertThat(made.startTime).isEqualTo(LocalTime.of(7, 45));
        assertThat(made.timeZone).isEqualTo("Europe/Berlin");
        assertThat(made.status).isEqualTo(Schedule.ACTIVE);
        assertThat(made.nextDueAt.atZone(java.time.ZoneId.of("Europe/Berlin")).toLocalTime()).isEqualTo(LocalTime.of(7, 45));
        assertThat(made.nextDueAt).isAfter(made.createdAt);
    }

    @Test
    void aScheduleIsFirstDueWhenTheTaskServiceSaidAndItsStateIsPublished() throws Throwable {
        UUID id = UUID.randomUUID();
        Instant firstDue = Instant.now().plusSeconds(90).truncatedTo(ChronoUnit.MILLIS);
        ScheduleRequested request = new ScheduleRequested(id, UUID.randomUUID(), "acme", "alice@acme.dev", null,
                "one_time", null, "10:00", "UTC", firstDue);
        TestTopics.send(Topics.SCHEDULE_REQUESTS, request.taskId().toString(), JSON.writeValueAsString(request), Map.of());

        Schedule made = await().atMost(Duration.ofSeconds(20))
                .until(() -> find(id), found -> found != null);
        assertThat(made.frequency).isNull();
        assertThat(made.nextDueAt).isEqualTo(firstDue);
        var published = TestTopics.readUntil(Topics.SCHEDULE_UPDATES, Duration.ofSeconds(20),
                records -> records.stream().anyMatch(record -> record.key().equals(id.toString())));
        ScheduleChanged state = JSON.readValue(published.stream().filter(record -> record.key().equals(id.toString()))
                .findFirst().orElseThrow().value(), ScheduleChanged.class);
        assertThat(state.taskId()).isEqualTo(request.taskId());
        assertThat(state.status()).isEqualTo("active");
        assertThat(state.scheduleType()).isEqualTo("one_time");
        assertThat(state.nextExecutionAt()).isEqualTo(firstDue);
        assertThat(state.version()).isEqualTo(1);
    }
}
