package dev.relay.task.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:15:00Z");

    @Test
    void aDailyScheduleFirstFiresAtItsNextStartTime() {
        assertThat(Schedule.firstExecution("recurring", "daily", LocalTime.of(11, 0), NOW)).isEqualTo("2026-11-23T11:00:00Z");
        assertThat(Schedule.firstExecution("recurring", "weekly", LocalTime.of(9, 0), NOW)).isEqualTo("2026-11-24T09:00:00Z");
        assertThat(Schedule.firstExecution("one_time", null, LocalTime.of(10, 15), NOW)).isEqualTo("2026-11-24T10:15:00Z");
    }

    @Test
    void anHourlyScheduleUsesOnlyTheMinuteOfItsStartTime() {
        assertThat(Schedule.firstExecution("recurring", "hourly", LocalTime.of(3, 45), NOW)).isEqualTo("2026-11-23T10:45:00Z");
        assertThat(Schedule.firstExecution("recurring", "hourly", LocalTime.of(3, 5), NOW)).isEqualTo("2026-11-23T11:05:00Z");
    }

    @Test
    void withoutAStartTimeAOneTimeScheduleIsDueNowAndARecurringOneAfterAPeriod() {
        assertThat(Schedule.firstExecution("one_time", null, null, NOW)).isEqualTo(NOW);
        assertThat(Schedule.firstExecution("recurring", "monthly", null, NOW)).isEqualTo("2026-12-23T10:15:00Z");
        assertThat(Schedule.firstExecution("recurring", "hourly", null, NOW)).isEqualTo("2026-11-23T11:15:00Z");
    }
}
