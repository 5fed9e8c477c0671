package dev.relay.task.task.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.common.error.ApiException;
import dev.relay.task.task.Task;
import dev.relay.task.task.TaskListQuery;

class TaskPagesTest {

    private static List<Task> tasks(int count) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Task task = new Task();
            task.id = UUID.randomUUID();
            task.org = "acme";
            task.createdBy = "alice@acme.dev";
            task.title = "t" + i;
            task.createdAt = Instant.parse("2026-11-24T10:00:00Z").plusSeconds(i);
            task.updatedAt = task.createdAt.plusSeconds(100);
            tasks.add(task);
        }
        return tasks;
    }

    @Test
    void theFirstPageAsksForOneMoreRowThanItShows() {
        TaskListQuery query = TaskPages.query(10, null, null, null, null);
        assertThat(query.pageSize()).isEqualTo(11);
        assertThat(query.byLastEvent()).isTrue();
        assertThat(query.descending()).isTrue();
        assertThat(query.afterId()).isNull();
    }

    @Test
    void aFullPageHandsOutATokenForTheRowAfterItsLast() {
        TaskListQuery first = TaskPages.query(2, "createdAt", "asc", null, null);
        List<Task> found = tasks(3);
        AgentTask.Page page = TaskPages.page(first, found);
        assertThat(page.tasks()).hasSize(2);
        assertThat(page.continuationToken()).isNotNull();

        TaskListQuery next = TaskPages.query(2, "createdAt", "asc", null, page.continuationToken());
        assertThat(next.afterId()).isEqualTo(found.get(1).id);
        assertThat(next.afterTime()).isEqualTo(found.get(1).createdAt);
        assertThat(TaskPages.page(next, found.subList(2, 3)).continuationToken()).isNull();
    }

    @Test
    void aTokenIsOnlyGoodForTheOrderItWasIssuedFor() {
        String token = TaskPages.page(TaskPages.query(1, "createdAt", "asc", null, null), tasks(2)).continuationToken();
        for (String[] other : new String[][] {{"createdAt", "desc"}, {"lastEvent", "asc"}}) {
            assertThatThrownBy(() -> TaskPages.query(1, other[0], other[1], null, token)).isInstanceOf(ApiException.class)
                    .hasMessageContaining("continuationToken");
        }
        assertThatThrownBy(() -> TaskPages.query(1, null, null, null, "bm9wZQ")).isInstanceOf(ApiException.class);
    }

    @Test
    void parametersOutsideTheirValuesAre400s() {
        assertThatThrownBy(() -> TaskPages.query(0, null, null, null, null)).hasMessageContaining("pageSize");
        assertThatThrownBy(() -> TaskPages.query(null, "name", null, null, null)).hasMessageContaining("sortBy");
        assertThatThrownBy(() -> TaskPages.query(null, null, "up", null, null)).hasMessageContaining("sortDirection");
        assertThatThrownBy(() -> TaskPages.query(null, null, null, "batch", null)).hasMessageContaining("taskType");
    }
}
