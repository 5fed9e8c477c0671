package dev.relay.common.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class UnsafeSettingsTest {

    private static final List<String> CLUSTER_DB = List.of("jdbc:postgresql://postgres.relay.svc:5432/relay", "postgresql://postgres.relay.svc:5432/relay");
    private static final List<String> LOOPBACK_DB = List.of("jdbc:postgresql://127.0.0.1:5432/relay", "postgresql://localhost:5432/relay");
    private static final Optional<String> STRONG = Optional.of("9f2c4e1a7b3d8e6f0a5c2b9d4e7f1a3c");

    @Test
    void theDefaultSuperuserWithoutOrWithADefaultPasswordIsRefusedUnlessTheDatabaseIsOnLoopback() {
        assertThat(UnsafeSettings.of("postgres", Optional.empty(), CLUSTER_DB, STRONG)).singleElement().asString()
                .contains("'postgres' with no password");
        assertThat(UnsafeSettings.of("postgres", Optional.of("postgres"), CLUSTER_DB, STRONG)).singleElement().asString()
                .contains("a default password");
        assertThat(UnsafeSettings.of("postgres", Optional.of("Postgres"), CLUSTER_DB, STRONG)).hasSize(1);
        // a service's own user without a password in the config: a client certificate, .pgpass or a credentials provider
        assertThat(UnsafeSettings.of("relay_task", Optional.empty(), CLUSTER_DB, STRONG)).isEmpty();
        assertThat(UnsafeSettings.of("postgres", Optional.empty(), LOOPBACK_DB, STRONG)).isEmpty();
        assertThat(UnsafeSettings.of("relay_task", Optional.of("s3cr3t-generated"), CLUSTER_DB, STRONG)).isEmpty();
    }

    @Test
    void oneDatabaseUrlOffLoopbackIsEnoughToRefuse() {
        assertThat(UnsafeSettings.of("postgres", Optional.empty(), List.of(LOOPBACK_DB.get(0), CLUSTER_DB.get(1)), STRONG)).hasSize(1);
        assertThat(UnsafeSettings.isLoopback("jdbc:postgresql://[::1]:5432/relay")).isTrue();
        assertThat(UnsafeSettings.isLoopback("postgresql://127.10.0.1:5432/relay")).isTrue();
        assertThat(UnsafeSettings.isLoopback("postgresql://127.0.0.1.evil.example:5432/relay")).isFalse();
        assertThat(UnsafeSettings.isLoopback("postgresql://localhost.evil.example/relay")).isFalse();
        assertThat(UnsafeSettings.isLoopback("not a url")).isFalse();
        assertThat(UnsafeSettings.isLoopback("postgresql:///relay?host=/var/run/postgresql")).isTrue();
    }

    @Test
    void aStreamLinkSecretThatIsShortRepetitiveOrFromTheRepositoryIsRefused() {
        assertThat(UnsafeSettings.isWeak("short-secret-1234")).isTrue();
        assertThat(UnsafeSettings.isWeak("a".repeat(64))).isTrue();
        assertThat(UnsafeSettings.isWeak("abababababababababababababababab")).isTrue();
        assertThat(UnsafeSettings.isWeak("relay-dev-stream-link-secret-0123456789")).isTrue();
        assertThat(UnsafeSettings.isWeak("CHANGEME-please-0123456789-abcdefghij")).isTrue();
        assertThat(UnsafeSettings.isWeak(STRONG.get())).isFalse();
        assertThat(UnsafeSettings.isWeak(java.util.UUID.randomUUID().toString())).isFalse();
        assertThat(UnsafeSettings.of("relay_task", Optional.of("pw-generated-long"), CLUSTER_DB, Optional.of("too-short")))
                .singleElement().asString().contains("RELAY_STREAM_LINK_SECRET");
        assertThat(UnsafeSettings.of("relay_task", Optional.of("pw-generated-long"), CLUSTER_DB, Optional.empty())).isEmpty();
    }
}
