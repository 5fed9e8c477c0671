package dev.relay.task.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The first due time a Neo create shows, computed by the shared {@code Recurrence} in the schedule's zone. */
class ScheduleTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:15:20Z");

    private static Instant firstDue(String type, String frequency, String start, String zone) {
        return Schedule.requested(null, type, frequency, start, zone).createdAt(NOW).nextExecutionAt();
    }

    @Test
    void aScheduleFirstFiresAtItsNextStartTimeInItsZone() {
        assertThat(firstDue("recurring", "daily", "11:00", "UTC")).isEqualTo("2026-11-23T11:00:00Z");
        assertThat(firstDue("recurring", "weekly", "09:00", "UTC")).isEqualTo("2026-11-24T09:00:00Z");
        assertThat(firstDue("one_time", null, "10:15", "UTC")).isEqualTo("2026-11-24T10:15:00Z");
        // 11:00 in Berlin (UTC+1 in November) has passed at 10:15 UTC: tomorrow
        assertThat(firstDue("recurring", "daily", "11:00", "Europe/Berlin")).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(firstDue("recurring", "daily", "06:00", "America/New_York")).isEqualTo("2026-11-23T11:00:00Z");
    }

    @Test
    void anHourlyScheduleUsesOnlyTheMinuteOfItsStartTime() {
        assertThat(firstDue("recurring", "hourly", "03:45", "UTC")).isEqualTo("2026-11-23T10:45:00Z");
        assertThat(firstDue("recurring", "hourly", "03:05", "UTC")).isEqualTo("2026-11-23T11:05:00Z");
    }

    @Test
    void withoutAStartTimeAOneTimeScheduleIsDueNowAndARecurringOneAfterAPeriod() {
        assertThat(firstDue("one_time", null, null, "UTC")).isEqualTo(NOW);
        assertThat(firstDue("recurring", "monthly", null, "UTC")).isEqualTo("2026-12-23T10:15:00Z");
        assertThat(firstDue("recurring", "hourly", null, "UTC")).isEqualTo("2026-11-23T11:15:00Z");
        Schedule created = Schedule.requested(null, "recurring", "daily", null, "Asia/Kolkata").createdAt(NOW);
        assertThat(created.startTime()).isEqualTo("15:45");
        assertThat(created.nextExecutionAt()).isEqualTo("2026-11-24T10:15:00Z");
    }
}
