package dev.relay.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} service at the JVM's shared real Kafka broker and fresh PostgreSQL database,
 * and at the public key of {@link TestTokens}; every JSON body its REST Assured calls receive from an operation the
 * seeds describe is checked against their schema ({@link SeedContractFilter}).
 */
public class RelayTestResources implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        SeedContractFilter.install();
        TestDatabase db = TestDatabase.shared();
        return Map.of(
                "kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers(),
                "quarkus.datasource.jdbc.url", db.jdbcUrl(),
                "quarkus.datasource.reactive.url", db.reactiveUrl(),
                "quarkus.datasource.username", db.user(),
                "quarkus.datasource.password", db.password(),
                "mp.jwt.verify.publickey.location", TestTokens.publicKeyFile().toUri().toString(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER);
    }

    @Override
    public void stop() {
        // the broker and the database live as long as the JVM, so several test classes share them
    }
}
