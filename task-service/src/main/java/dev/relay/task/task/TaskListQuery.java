package dev.relay.task.task;

import java.time.Instant;
import java.util.UUID;

/**
 * Which tasks to list and from where: sorted by {@code lastEvent} (updated_at) or {@code createdAt}, then id;
 * {@code afterTime}/{@code afterId} is the last row of the previous page (keyset pagination, so inserts between
 * pages neither repeat nor skip a row).
 */
public record TaskListQuery(boolean byLastEvent, boolean descending, String taskType, int pageSize, Instant afterTime, UUID afterId) {
}
