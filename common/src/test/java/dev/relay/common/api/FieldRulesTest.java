package dev.relay.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.relay.common.error.ApiException;

class FieldRulesTest {

    enum Mode implements WireValue {
        READ_ONLY("read-only"), DEFAULT("default");

        private final String value;

        Mode(String value) {
            this.value = value;
        }

        @Override
        public String value() {
            return value;
        }
    }

    @Test
    void anEnumIsReadByItsWireValue() {
        assertThat(FieldRules.oneOf("mode", "read-only", Mode.class, null)).isEqualTo(Mode.READ_ONLY);
        assertThat(FieldRules.oneOf("mode", null, Mode.class, Mode.DEFAULT)).isEqualTo(Mode.DEFAULT);
        assertThatThrownBy(() -> FieldRules.oneOf("mode", "READ_ONLY", Mode.class, null)).isInstanceOf(ApiException.class)
                .hasMessage("field 'mode' must be one of default, read-only, got 'READ_ONLY'");
    }

    @Test
    void pageSizesRunFromOneToAThousand() {
        assertThat(FieldRules.pageSize(null)).isEqualTo(100);
        assertThat(FieldRules.pageSize(1)).isEqualTo(1);
        assertThat(FieldRules.pageSize(1000)).isEqualTo(1000);
        for (int bad : new int[] {0, -1, 1001}) {
            assertThatThrownBy(() -> FieldRules.pageSize(bad)).hasMessageContaining("'pageSize' must be between 1 and 1000");
        }
    }

    @Test
    void stringsAreCheckedAgainstTheAllowedOnes() {
        assertThat(FieldRules.oneOf("sortBy", "createdAt", List.of("lastEvent", "createdAt"), "lastEvent")).isEqualTo("createdAt");
        assertThat(FieldRules.oneOf("sortBy", "", List.of("lastEvent", "createdAt"), "lastEvent")).isEqualTo("lastEvent");
        assertThatThrownBy(() -> FieldRules.oneOf("sortBy", "name", List.of("lastEvent", "createdAt"), null))
                .hasMessageContaining("must be one of createdAt, lastEvent, got 'name'");
    }

    @Test
    void idsAndIdempotencyKeys() {
        assertThat(FieldRules.uuid("id", null)).isNull();
        assertThatThrownBy(() -> FieldRules.uuid("event.approval_request_id", "x")).hasMessageContaining("must be a UUID");
        assertThat(FieldRules.idempotencyKey(" k ")).isEqualTo("k");
        assertThat(FieldRules.idempotencyKey(null)).isNull();
        assertThatThrownBy(() -> FieldRules.idempotencyKey("k".repeat(256))).hasMessageContaining("at most 255");
    }
}
