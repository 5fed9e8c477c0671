package dev.relay.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTextCheckTest {

    @Test
    void anOrdinaryPathAndQueryPass() {
        assertThat(RequestTextCheck.problemOf("/api/v1/tasks/a%20b", "pageSize=10&status=running&q=%C3%A9")).isNull();
        assertThat(RequestTextCheck.problemOf("/api/v1/tasks", null)).isNull();
    }

    @Test
    void aPathThatCannotBeDecodedOrStoredIsRefused() {
        assertThat(RequestTextCheck.problemOf("/api/v1/tasks/%ZZ", null)).isEqualTo("the path is not correctly percent-encoded");
        assertThat(RequestTextCheck.problemOf("/api/v1/tasks/a%00", null)).isEqualTo("the path contains a NUL character");
    }

    @Test
    void aQueryValueThatCannotBeStoredIsRefusedByName() {
        assertThat(RequestTextCheck.problemOf("/api/v1/tasks", "status=%00")).isEqualTo("parameter 'status' contains a NUL character");
        assertThat(RequestTextCheck.problemOf("/api/v1/tasks", "status=%ZZ")).isEqualTo("the query is not correctly percent-encoded");
    }
}
