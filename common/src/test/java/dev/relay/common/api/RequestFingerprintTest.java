package dev.relay.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

class RequestFingerprintTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Before(@JsonProperty("task") String task, @JsonProperty("max_steps") Integer maxSteps, List<String> secrets) {
    }

    /** The same request after a refactoring: a Java field renamed, fields reordered, an optional field added. */
    record After(List<String> secrets, @JsonProperty("max_steps") Integer stepLimit, @JsonProperty("task") String prompt,
            @JsonProperty("sandbox_id") String sandboxId) {
    }

    @Test
    void aJavaRenameOrReorderDoesNotChangeTheFingerprint() {
        String before = RequestFingerprint.of(JSON, "create", new Before("hello", 10, List.of("a")));
        String after = RequestFingerprint.of(JSON, "create", new After(List.of("a"), 10, "hello", null));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void anotherBodyOrOperationChangesIt() {
        String base = RequestFingerprint.of(JSON, "create", new Before("hello", 10, List.of("a")));
        assertThat(RequestFingerprint.of(JSON, "create", new Before("hello!", 10, List.of("a")))).isNotEqualTo(base);
        assertThat(RequestFingerprint.of(JSON, "create", new Before("hello", 11, List.of("a")))).isNotEqualTo(base);
        assertThat(RequestFingerprint.of(JSON, "respond", new Before("hello", 10, List.of("a")))).isNotEqualTo(base);
    }

    @Test
    void itIsTheSha256OfTheOperationAndTheCanonicalBody() {
        // pinned: a change of the canonical form would orphan every stored fingerprint
        assertThat(RequestFingerprint.of(JSON, "create", new Before("hello", 10, List.of("a"))))
                .isEqualTo(dev.relay.common.auth.Hashes.sha256Hex("create\n{\"max_steps\":10,\"secrets\":[\"a\"],\"task\":\"hello\"}"));
    }
}
