package dev.relay.common.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What became of a schedule's trigger (topic {@value Topics#SCHEDULE_RUNS}), reported by the task service: the run
 * it started ({@value #STARTED}) and how that run ended ({@value #COMPLETED}, {@value #FAILED}), or why no run was
 * started: {@value #BUSY} (another run of the task was going) or {@value #REFUSED} (the task is not there, or its
 * budget has no room for another run).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduledRunReported(
        @JsonProperty("execution_id") UUID executionId,
        @JsonProperty("schedule_id") UUID scheduleId,
        @JsonProperty("task_id") UUID taskId,
        @JsonProperty("run_id") UUID runId,
        String status,
        String reason,
        Instant at,
        int attempt) {

    public static final String STARTED = "started";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String BUSY = "busy";
    public static final String REFUSED = "refused";

    /** The report's event id: one per (trigger, status), so a report sent again is recognized. */
    public UUID eventId() {
        return UUID.nameUUIDFromBytes((executionId + "/" + attempt + "/" + status).getBytes(StandardCharsets.UTF_8));
    }
}
