package dev.relay.task.domain;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The schedule a Neo create carried (the seeds' {@code ScheduleConfigInput}), with the id and first due time Relay gave it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Schedule(
        @JsonProperty("schedule_id") UUID id,
        @JsonProperty("schedule_name") String name,
        @JsonProperty("schedule_type") String type,
        @JsonProperty("scan_frequency") String frequency,
        @JsonProperty("start_time") String startTime,
        @JsonProperty("next_execution_at") Instant nextExecutionAt) {

    /** The schedule as requested, before it has an id and a first due time. */
    public static Schedule requested(String name, String type, String frequency, String startTime) {
        return new Schedule(null, name, type, frequency, startTime, null);
    }

    /** The requested schedule, given its id and first due time as of {@code now}. */
    public Schedule createdAt(Instant now) {
        LocalTime start = startTime == null ? null : LocalTime.parse(startTime);
        return new Schedule(UUID.randomUUID(), name, type, frequency, startTime, firstExecution(type, frequency, start, now));
    }

    public static final String RECURRING = "recurring";
    public static final String ONE_TIME = "one_time";

    /**
     * When a new schedule first fires, in UTC: the next {@code startTime} (HH:MM; only its minute for hourly
     * schedules) after {@code now}; without a start time, now for a one-time schedule and one period from now
     * for a recurring one.
     */
    public static Instant firstExecution(String type, String frequency, LocalTime startTime, Instant now) {
        ZonedDateTime from = now.atZone(ZoneOffset.UTC);
        if (startTime == null) {
            return ONE_TIME.equals(type) ? now : switch (frequency) {
                case "hourly" -> from.plusHours(1).toInstant();
                case "weekly" -> from.plusWeeks(1).toInstant();
                case "monthly" -> from.plusMonths(1).toInstant();
                default -> from.plusDays(1).toInstant();
            };
        }
        if ("hourly".equals(frequency)) {
            ZonedDateTime at = from.truncatedTo(ChronoUnit.HOURS).withMinute(startTime.getMinute());
            return (at.isAfter(from) ? at : at.plusHours(1)).toInstant();
        }
        ZonedDateTime at = from.truncatedTo(ChronoUnit.DAYS).with(startTime);
        return (at.isAfter(from) ? at : at.plusDays(1)).toInstant();
    }
}
