package dev.relay.common.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RecurrenceTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    /** The first {@code count} due times of a schedule created at {@code created}. */
    private static List<Instant> dues(Recurrence recurrence, Instant created, int count) {
        List<Instant> dues = new ArrayList<>();
        Instant first = recurrence.firstDue(created);
        for (Instant due = first; dues.size() < count && due != null; due = recurrence.nextDue(first, due)) {
            dues.add(due);
        }
        return dues;
    }

    @Nested
    class EveryFrequency {

        @Test
        void aOneTimeScheduleIsDueOnceAtTheNextStartTime() {
            Recurrence once = Recurrence.once(LocalTime.of(9, 0), UTC);
            assertThat(dues(once, at("2026-11-24T08:00:00Z"), 3)).containsExactly(at("2026-11-24T09:00:00Z"));
            assertThat(once.firstDue(at("2026-11-24T09:00:00Z"))).as("strictly after now").isEqualTo(at("2026-11-25T09:00:00Z"));
            assertThat(once.firstDue(at("2026-11-24T10:00:00Z"))).isEqualTo(at("2026-11-25T09:00:00Z"));
        }

        @Test
        void hourlyIsDueAtTheStartTimesMinuteEveryHour() {
            Recurrence hourly = new Recurrence(Frequency.HOURLY, LocalTime.of(7, 15), UTC);
            assertThat(dues(hourly, at("2026-11-24T08:20:00Z"), 3))
                    .containsExactly(at("2026-11-24T09:15:00Z"), at("2026-11-24T10:15:00Z"), at("2026-11-24T11:15:00Z"));
            assertThat(hourly.firstDue(at("2026-11-24T08:14:59Z"))).isEqualTo(at("2026-11-24T08:15:00Z"));
        }

        @Test
        void dailyIsDueAtTheStartTimeEveryDay() {
            Recurrence daily = new Recurrence(Frequency.DAILY, LocalTime.of(9, 0), UTC);
            assertThat(dues(daily, at("2026-11-24T10:00:00Z"), 3))
                    .containsExactly(at("2026-11-25T09:00:00Z"), at("2026-11-26T09:00:00Z"), at("2026-11-27T09:00:00Z"));
        }

        @Test
        void weeklyIsDueOnTheWeekdayOfTheFirstDueDate() {
            Recurrence weekly = new Recurrence(Frequency.WEEKLY, LocalTime.of(9, 0), UTC);
            // created on Tuesday 2026-11-24 after 09:00: first due Wednesday, then every Wednesday
            assertThat(dues(weekly, at("2026-11-24T10:00:00Z"), 3))
                    .containsExactly(at("2026-11-25T09:00:00Z"), at("2026-12-02T09:00:00Z"), at("2026-12-09T09:00:00Z"));
        }

        @Test
        void monthlyIsDueOnTheDayOfTheFirstDueDate() {
            Recurrence monthly = new Recurrence(Frequency.MONTHLY, LocalTime.of(9, 0), UTC);
            assertThat(dues(monthly, at("2026-11-24T08:00:00Z"), 3))
                    .containsExactly(at("2026-11-24T09:00:00Z"), at("2026-12-24T09:00:00Z"), at("2027-01-24T09:00:00Z"));
        }
    }

    @Nested
    class WithoutAStartTime {

        @Test
        void aOneTimeScheduleIsDueNowAndARecurringOneAPeriodLaterAtNowsMinute() {
            Instant now = at("2026-03-28T10:15:42Z");
            assertThat(Recurrence.fromNow(null, now, UTC).firstDueFromNow(now)).isEqualTo(now);
            assertThat(Recurrence.fromNow(Frequency.HOURLY, now, UTC).firstDueFromNow(now)).isEqualTo("2026-03-28T11:15:00Z");
            assertThat(Recurrence.fromNow(Frequency.WEEKLY, now, UTC).firstDueFromNow(now)).isEqualTo("2026-04-04T10:15:00Z");
            // a day later in Berlin crosses the spring-forward night: the same wall-clock time, 23 hours later
            Recurrence daily = Recurrence.fromNow(Frequency.DAILY, now, BERLIN);
            assertThat(daily.startTime()).isEqualTo(LocalTime.of(11, 15));
            assertThat(daily.firstDueFromNow(now)).isEqualTo("2026-03-29T09:15:00Z");
        }

        @Test
        void startTimesAndZonesAreCheckedAsTheApiWritesThem() {
            assertThat(List.of("00:00", "07:45", "23:59")).allMatch(Recurrence::isStartTime);
            assertThat(List.of("24:00", "7:45", "07:60", "07:45:00", "", " 07:45")).noneMatch(Recurrence::isStartTime);
            assertThat(List.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")).allMatch(Recurrence::isTimeZone);
            assertThat(List.of("Mars/Olympus", "+02:00", "GMT+2", "europe/berlin", "")).noneMatch(Recurrence::isTimeZone);
        }
    }

    @Nested
    class MonthEnds {

        @Test
        void aDayTheMonthLacksMeansItsLastDayAndTheDayComesBackAfter() {
            Recurrence monthly = new Recurrence(Frequency.MONTHLY, LocalTime.of(9, 0), UTC);
            assertThat(dues(monthly, at("2027-01-31T08:00:00Z"), 5)).containsExactly(
                    at("2027-01-31T09:00:00Z"), at("2027-02-28T09:00:00Z"), at("2027-03-31T09:00:00Z"),
                    at("2027-04-30T09:00:00Z"), at("2027-05-31T09:00:00Z"));
        }

        @Test
        void aLeapYearHasItsTwentyNinthOfFebruary() {
            Recurrence monthly = new Recurrence(Frequency.MONTHLY, LocalTime.of(9, 0), UTC);
            assertThat(dues(monthly, at("2028-01-30T10:00:00Z"), 3))
                    .containsExactly(at("2028-01-31T09:00:00Z"), at("2028-02-29T09:00:00Z"), at("2028-03-31T09:00:00Z"));
        }

        @Test
        void aScheduleFirstDueOnLeapDayIsDueOnThe29thOfEachMonthAndOnTheLastOfFebruaryAfter() {
            Recurrence monthly = new Recurrence(Frequency.MONTHLY, LocalTime.of(9, 0), UTC);
            List<Instant> dues = dues(monthly, at("2028-02-29T08:00:00Z"), 13);
            assertThat(dues.get(0)).isEqualTo(at("2028-02-29T09:00:00Z"));
            assertThat(dues.get(1)).isEqualTo(at("2028-03-29T09:00:00Z"));
            assertThat(dues.get(12)).isEqualTo(at("2029-02-28T09:00:00Z"));
        }

        @Test
        void dailyAndWeeklyCrossYearEnds() {
            assertThat(dues(new Recurrence(Frequency.DAILY, LocalTime.of(23, 30), UTC), at("2026-12-31T23:00:00Z"), 2))
                    .containsExactly(at("2026-12-31T23:30:00Z"), at("2027-01-01T23:30:00Z"));
            assertThat(dues(new Recurrence(Frequency.WEEKLY, LocalTime.of(0, 0), UTC), at("2026-12-28T12:00:00Z"), 2))
                    .containsExactly(at("2026-12-29T00:00:00Z"), at("2027-01-05T00:00:00Z"));
        }
    }

    @Nested
    class DaylightSaving {

        @Test
        void aDailyTimeSkippedBySpringForwardIsDueOnceLaterByTheGapThenAsUsual() {
            // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST
            Recurrence daily = new Recurrence(Frequency.DAILY, LocalTime.of(2, 30), BERLIN);
            assertThat(dues(daily, at("2026-03-28T12:00:00Z"), 3)).containsExactly(
                    at("2026-03-29T01:30:00Z"), // 03:30 CEST
                    at("2026-03-30T00:30:00Z"), // 02:30 CEST
                    at("2026-03-31T00:30:00Z"));
            // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT
            Recurrence newYork = new Recurrence(Frequency.DAILY, LocalTime.of(2, 30), NEW_YORK);
            assertThat(dues(newYork, at("2026-03-07T12:00:00Z"), 3)).containsExactly(
                    at("2026-03-08T07:30:00Z"), // 03:30 EDT
                    at("2026-03-09T06:30:00Z"), // 02:30 EDT
                    at("2026-03-10T06:30:00Z"));
        }

        @Test
        void aDailyTimeRepeatedByFallBackIsDueOnceAtTheEarlierOffset() {
            // Berlin, 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice
            Recurrence daily = new Recurrence(Frequency.DAILY, LocalTime.of(2, 30), BERLIN);
            assertThat(dues(daily, at("2026-10-24T12:00:00Z"), 3)).containsExactly(
                    at("2026-10-25T00:30:00Z"), // 02:30 CEST, not again at 02:30 CET
                    at("2026-10-26T01:30:00Z"), // 02:30 CET
                    at("2026-10-27T01:30:00Z"));
            // New York, 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:30 happens twice
            Recurrence newYork = new Recurrence(Frequency.DAILY, LocalTime.of(1, 30), NEW_YORK);
            assertThat(dues(newYork, at("2026-10-31T12:00:00Z"), 3)).containsExactly(
                    at("2026-11-01T05:30:00Z"), // 01:30 EDT
                    at("2026-11-02T06:30:00Z"), // 01:30 EST
                    at("2026-11-03T06:30:00Z"));
        }

        @Test
        void weeklyAndMonthlyKeepTheirWallClockTimeAcrossTheChange() {
            Recurrence weekly = new Recurrence(Frequency.WEEKLY, LocalTime.of(9, 0), BERLIN);
            assertThat(dues(weekly, at("2026-03-25T12:00:00Z"), 2)).containsExactly(
                    at("2026-03-26T08:00:00Z"), // 09:00 CET
                    at("2026-04-02T07:00:00Z")); // 09:00 CEST
            Recurrence monthly = new Recurrence(Frequency.MONTHLY, LocalTime.of(9, 0), NEW_YORK);
            assertThat(dues(monthly, at("2026-10-15T12:00:00Z"), 2)).containsExactly(
                    at("2026-10-15T13:00:00Z"), // 09:00 EDT
                    at("2026-11-15T14:00:00Z")); // 09:00 EST
        }

        @Test
        void hourlyFollowsRealHours() {
            Recurrence hourly = new Recurrence(Frequency.HOURLY, LocalTime.of(0, 15), NEW_YORK);
            // fall back: 01:15 EDT and 01:15 EST are an hour apart, both due
            assertThat(dues(hourly, at("2026-11-01T04:00:00Z"), 4)).containsExactly(
                    at("2026-11-01T04:15:00Z"), at("2026-11-01T05:15:00Z"), at("2026-11-01T06:15:00Z"), at("2026-11-01T07:15:00Z"));
            // spring forward: 01:15 EST is followed an hour later by 03:15 EDT
            assertThat(dues(hourly, at("2026-03-08T06:00:00Z"), 3)).containsExactly(
                    at("2026-03-08T06:15:00Z"), at("2026-03-08T07:15:00Z"), at("2026-03-08T08:15:00Z"));
        }

        @Test
        void hourlyInAHalfHourZoneIsDueAtTheLocalMinute() {
            Recurrence hourly = new Recurrence(Frequency.HOURLY, LocalTime.of(10, 0), ZoneId.of("Asia/Kolkata"));
            assertThat(dues(hourly, at("2026-11-24T08:00:00Z"), 2))
                    .containsExactly(at("2026-11-24T08:30:00Z"), at("2026-11-24T09:30:00Z"));
        }
    }

    @Test
    void aOneTimeScheduleHasNoNextDue() {
        Recurrence once = Recurrence.once(LocalTime.of(9, 0), UTC);
        assertThat(once.nextDue(at("2026-11-24T09:00:00Z"), at("2026-11-24T09:00:00Z"))).isNull();
    }

    @Test
    void secondsOfTheStartTimeAreIgnored() {
        assertThat(new Recurrence(Frequency.DAILY, LocalTime.of(9, 0, 42), UTC).startTime()).isEqualTo(LocalTime.of(9, 0));
    }
}
