package dev.relay.common.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;

/**
 * When a schedule is due: at {@code startTime} in {@code zone} every day, on the weekday of its first due date every
 * week, on the day of the month of its first due date every month (the month's last day when it has no such day),
 * or at {@code startTime}'s minute every hour; once, for a one-time schedule ({@code frequency} null).
 * <p>
 * Wall-clock times that a daylight-saving change skips move forward by the length of the gap (02:30 on a
 * spring-forward day is due at 03:30, once); times it repeats are due once, at the earlier offset. Hourly schedules
 * follow real hours, so an hour repeated by a fall-back change is due twice and a skipped one not at all.
 */
public record Recurrence(Frequency frequency, LocalTime startTime, ZoneId zone) {

    public Recurrence {
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(zone, "zone");
        startTime = startTime.truncatedTo(ChronoUnit.MINUTES);
    }

    public static Recurrence once(LocalTime startTime, ZoneId zone) {
        return new Recurrence(null, startTime, zone);
    }

    public boolean isOneTime() {
        return frequency == null;
    }

    /** The first due time strictly after {@code now}: it also fixes the weekday and day of month that follow. */
    public Instant firstDue(Instant now) {
        if (frequency == Frequency.HOURLY) {
            return nextHourly(now);
        }
        LocalDate today = now.atZone(zone).toLocalDate();
        Instant due = at(today);
        return due.isAfter(now) ? due : at(today.plusDays(1));
    }

    /**
     * The first due time of a schedule created at {@code now} without a start time (its start time is now's minute):
     * now for a one-time schedule, one period later for a recurring one.
     */
    public static Recurrence fromNow(Frequency frequency, Instant now, ZoneId zone) {
        return new Recurrence(frequency, LocalTime.ofInstant(now, zone), zone);
    }

    /** The first due time of a schedule made by {@link #fromNow}: now, or one period from now. */
    public Instant firstDueFromNow(Instant now) {
        if (frequency == null) {
            return now;
        }
        ZonedDateTime from = now.atZone(zone).truncatedTo(ChronoUnit.MINUTES);
        return switch (frequency) {
            case HOURLY -> from.plusHours(1).toInstant();
            case DAILY -> from.plusDays(1).toInstant();
            case WEEKLY -> from.plusWeeks(1).toInstant();
            case MONTHLY -> from.plusMonths(1).toInstant();
        };
    }

    /** Whether {@code text} is a start time as the seeds write it: HH:MM, 24h. */
    public static boolean isStartTime(String text) {
        return text != null && text.matches("([01]\\d|2[0-3]):[0-5]\\d");
    }

    /** Whether {@code id} names a time zone: an IANA region (or UTC), not an offset. */
    public static boolean isTimeZone(String id) {
        return id != null && ZoneId.getAvailableZoneIds().contains(id);
    }

    /**
     * The first due time strictly after {@code after}, for a recurring schedule first due at {@code firstDue}; null
     * for a one-time schedule, which is due only once.
     */
    public Instant nextDue(Instant firstDue, Instant after) {
        if (frequency == null) {
            return null;
        }
        if (after.isBefore(firstDue)) {
            return firstDue;
        }
        return switch (frequency) {
            case HOURLY -> nextHourly(after);
            case DAILY -> nextDaily(after);
            case WEEKLY -> nextWeekly(firstDue.atZone(zone).getDayOfWeek(), after);
            case MONTHLY -> nextMonthly(firstDue.atZone(zone).toLocalDate().getDayOfMonth(), after);
        };
    }

    private Instant nextHourly(Instant after) {
        // hours on the instant time line: a repeated hour is due twice, a skipped one never
        ZonedDateTime candidate = after.atZone(zone).withMinute(startTime.getMinute()).truncatedTo(ChronoUnit.MINUTES);
        while (!candidate.toInstant().isAfter(after)) {
            candidate = candidate.plusHours(1);
        }
        return candidate.toInstant();
    }

    private Instant nextDaily(Instant after) {
        LocalDate day = after.atZone(zone).toLocalDate();
        Instant due = at(day);
        return due.isAfter(after) ? due : at(day.plusDays(1));
    }

    private Instant nextWeekly(DayOfWeek weekday, Instant after) {
        LocalDate day = after.atZone(zone).toLocalDate().with(TemporalAdjusters.nextOrSame(weekday));
        Instant due = at(day);
        return due.isAfter(after) ? due : at(day.plusWeeks(1));
    }

    private Instant nextMonthly(int dayOfMonth, Instant after) {
        YearMonth month = YearMonth.from(after.atZone(zone).toLocalDate());
        Instant due = at(dayIn(month, dayOfMonth));
        return due.isAfter(after) ? due : at(dayIn(month.plusMonths(1), dayOfMonth));
    }

    private static LocalDate dayIn(YearMonth month, int dayOfMonth) {
        return month.atDay(Math.min(dayOfMonth, month.lengthOfMonth()));
    }

    /** {@code startTime} on {@code day} in the zone: a skipped time moves forward, a repeated one takes the earlier offset. */
    private Instant at(LocalDate day) {
        return ZonedDateTime.ofLocal(LocalDateTime.of(day, startTime), zone, null).toInstant();
    }
}
