package dev.relay.task.task.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class RequestRulesTest {

    @Test
    void anIdTheSeedLetsTheServerReplaceIsNullWhenItIsNoUuid() {
        UUID id = UUID.randomUUID();
        assertThat(RequestRules.uuidOrNull(id.toString())).isEqualTo(id);
        assertThat(RequestRules.uuidOrNull("not-a-uuid")).isNull();
        assertThat(RequestRules.uuidOrNull(" ")).isNull();
    }

    @Test
    void aNameIsTrimmedAndFrom1To255Characters() {
        assertThat(RequestRules.name("  report  ")).isEqualTo("report");
        assertThat(RequestRules.name(null)).isNull();
        assertThat(RequestRules.name("x".repeat(255))).hasSize(255);
        assertThatThrownBy(() -> RequestRules.name("   ")).hasMessageContaining("'name'");
        assertThatThrownBy(() -> RequestRules.name("x".repeat(256))).hasMessageContaining("'name'");
    }

    @Test
    void anIdempotencyKeyComesWithTheFingerprintOfItsRequest() {
        ObjectMapper json = new ObjectMapper();
        assertThat(RequestRules.idempotent(json, null, "create", "body")).isNull();
        var first = RequestRules.idempotent(json, " k1 ", "create", java.util.Map.of("task", "a"));
        assertThat(first.key()).isEqualTo("k1");
        assertThat(RequestRules.idempotent(json, "k1", "create", java.util.Map.of("task", "a")).fingerprint())
                .isEqualTo(first.fingerprint());
        assertThat(RequestRules.idempotent(json, "k1", "create", java.util.Map.of("task", "b")).fingerprint())
                .isNotEqualTo(first.fingerprint());
    }
}
