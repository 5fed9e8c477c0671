package dev.relay.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParseException;

import io.vertx.pgclient.PgException;

class FailuresTest {

    @Test
    void errorsOfTheRecordsDataArePermanent() {
        assertThat(Failures.isPermanent(sql("21000"))).as("ON CONFLICT DO UPDATE affecting a row twice").isTrue();
        assertThat(Failures.isPermanent(sql("22021"))).as("a NUL byte in text").isTrue();
        assertThat(Failures.isPermanent(sql("23505"))).as("a unique violation").isTrue();
        assertThat(Failures.isPermanent(new RuntimeException(new CompletionException(sql("23502"))))).as("wrapped").isTrue();
        assertThat(Failures.isPermanent(new ConstraintViolationException("insert", new SQLException("no", "23514"), "c")))
                .as("through Hibernate").isTrue();
        assertThat(Failures.isPermanent(new PoisonRecord("not the contract", null))).isTrue();
        assertThat(Failures.isPermanent(new JsonParseException(null, "not JSON"))).isTrue();
    }

    @Test
    void failuresThatCanPassAreNot() {
        for (String state : new String[] {"08006", "40001", "40P01", "53300", "55P03", "57014", "57P01", "58030", "XX000",
                "42P01", "42501"}) {
            assertThat(Failures.isPermanent(sql(state))).as(state).isFalse();
        }
        assertThat(Failures.isPermanent(new IllegalStateException("connection closed"))).isFalse();
        assertThat(Failures.isPermanent(new java.util.concurrent.TimeoutException())).isFalse();
    }

    @Test
    void theDescriptionNamesTheInnermostCause() {
        assertThat(Failures.describe(new RuntimeException("wrapper", sql("23505"))))
                .startsWith("RuntimeException caused by").contains("23505");
    }

    private static PgException sql(String state) {
        return new PgException("failed with " + state, "ERROR", state, null);
    }
}
