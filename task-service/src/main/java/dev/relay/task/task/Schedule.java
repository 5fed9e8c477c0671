package dev.relay.task.task;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.relay.common.event.ScheduleChanged;
import dev.relay.common.schedule.Frequency;
import dev.relay.common.schedule.Recurrence;

/**
 * A task's schedule as the task service shows it (the seeds' {@code ScheduleInfo}): as a Neo create asked for it
 * (the {@code ScheduleConfigInput}, with the id and first due time Relay gave it), then as the schedule service
 * last reported it; {@code execution} is its latest execution that ran or is to run (the seeds' {@code ExecutionInfo}).
 * {@code version} is the version of that report (0 before the first).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Schedule(
        @JsonProperty("schedule_id") UUID id,
        @JsonProperty("schedule_name") String name,
        @JsonProperty("schedule_type") String type,
        @JsonProperty("scan_frequency") String frequency,
        @JsonProperty("start_time") String startTime,
        @JsonProperty("time_zone") String timeZone,
        @JsonProperty("schedule_status") String status,
        @JsonProperty("execution_count") int executionCount,
        @JsonProperty("last_executed_at") Instant lastExecutedAt,
        @JsonProperty("next_execution_at") Instant nextExecutionAt,
        @JsonProperty("execution_info") ScheduleChanged.ExecutionState execution,
        long version) {

    public static final String RECURRING = "recurring";
    public static final String ONE_TIME = "one_time";
    public static final String ACTIVE = "active";
    public static final String DELETED = "deleted";

    /** The schedule as requested, before it has an id and a first due time; {@code startTime} HH:MM or null. */
    public static Schedule requested(String name, String type, String frequency, String startTime, String timeZone) {
        return new Schedule(null, name, type, frequency, startTime, timeZone, null, 0, null, null, null, 0);
    }

    /**
     * The requested schedule, given its id and first due time as of {@code now} (see {@link Recurrence}); without a
     * start time it starts at now's minute: due now when one-time, one period from now when recurring.
     */
    public Schedule createdAt(Instant now) {
        ZoneId zone = ZoneId.of(timeZone);
        Frequency every = ONE_TIME.equals(type) ? null : Frequency.of(frequency).orElseThrow();
        Recurrence recurrence = startTime == null ? Recurrence.fromNow(every, now, zone) : new Recurrence(every, LocalTime.parse(startTime), zone);
        Instant first = startTime == null ? recurrence.firstDueFromNow(now) : recurrence.firstDue(now);
        String start = recurrence.startTime().toString();
        return new Schedule(UUID.randomUUID(), name, type, frequency, start, timeZone, ACTIVE, 0, null, first, null, 0);
    }

    @JsonIgnore
    public boolean isDeleted() {
        return DELETED.equals(status);
    }
}
