package dev.relay.task.task.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.relay.common.api.FieldRules;
import dev.relay.common.api.KeysetPage;
import dev.relay.common.api.PageToken;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskListQuery;

/**
 * The agents API's task list parameters as a query, and its pages: keyset pagination on the sort key and the id,
 * the continuation token naming the sort it was issued for and the last row of its page.
 */
final class TaskPages {

    static final List<String> SORTS = List.of("lastEvent", "createdAt");
    private static final List<String> DIRECTIONS = List.of("asc", "desc");
    private static final List<String> TASK_TYPES = List.of("sync", "async");

    private TaskPages() {
    }

    /** The query for one page; it asks for one more row than the page holds, to know whether more follow. */
    static TaskListQuery query(Integer pageSize, String sortBy, String sortDirection, String taskType, String continuationToken) {
        int size = FieldRules.pageSize(pageSize);
        String sort = FieldRules.oneOf("sortBy", sortBy, SORTS, "lastEvent");
        String direction = FieldRules.oneOf("sortDirection", sortDirection, DIRECTIONS, "desc");
        String type = FieldRules.oneOf("taskType", taskType, TASK_TYPES, null);
        TaskListQuery first = new TaskListQuery("lastEvent".equals(sort), "desc".equals(direction), type, KeysetPage.fetchSize(size), null, null);
        TaskListQuery after = PageToken.decode(continuationToken, "was not issued for this sort order",
                fields -> fields.size() == 4 && fields.get(0).equals(sort) && fields.get(1).equals(direction)
                        ? new TaskListQuery(first.byLastEvent(), first.descending(), type, KeysetPage.fetchSize(size),
                                Instant.parse(fields.get(2)), UUID.fromString(fields.get(3)))
                        : null);
        return after != null ? after : first;
    }

    /** The page shown for {@code found} (which may hold one row more than the page). */
    static AgentTask.Page page(TaskListQuery query, List<Task> found) {
        String sort = query.byLastEvent() ? "lastEvent" : "createdAt";
        String direction = query.descending() ? "desc" : "asc";
        KeysetPage<AgentTask> page = KeysetPage.of(found, query.pageSize() - 1, last -> List.of(sort, direction,
                (query.byLastEvent() ? last.updatedAt : last.createdAt).toString(), last.id.toString())).map(AgentTaskMapper::toAgentTask);
        return new AgentTask.Page(page.items(), page.continuationToken());
    }
}
