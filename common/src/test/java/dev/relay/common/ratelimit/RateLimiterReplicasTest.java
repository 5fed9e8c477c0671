package dev.relay.common.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.ratelimit.TestRateLimits.Bucket;
import dev.relay.common.ratelimit.TestRateLimits.Config;
import dev.relay.common.ratelimit.TestRateLimits.Limits;
import dev.relay.testsupport.RelayTestResources;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;

/**
 * Two replicas' limiters on one table, each serving from its local copies between synchronizations: together they admit
 * a bucket's burst and at most {@code sync-tokens} more per replica, however long a local copy may go unsynchronized,
 * and neither refuses while the shared bucket still has tokens.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class RateLimiterReplicasTest {

    private static final int BURST = 20;
    private static final int SYNC_TOKENS = 5;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    Vertx vertx;
    @ConfigProperty(name = "relay.schema")
    String schema;

    @Test
    void replicasTogetherAdmitTheBurstAndAtMostTheirUnsynchronizedTokensMore() throws Exception {
        RateLimitConfig config = config(Duration.ofMinutes(1));
        List<RateLimiter> replicas = List.of(replica(config), replica(config));
        Caller caller = new Caller("org-" + UUID.randomUUID(), "flood@replicas.dev", Set.of("user"));

        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> sent = new ArrayList<>();
        for (int client = 0; client < 4; client++) {
            RateLimiter replica = replicas.get(client % 2);
            sent.add(clients.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        replica.take(caller, OperationClass.RUNS).await().atMost(Duration.ofSeconds(10));
                        admitted.incrementAndGet();
                    } catch (ApiException tooMany) {
                        assertThat(tooMany.status()).isEqualTo(429);
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : sent) {
            client.get();
        }
        clients.shutdown();

        // a refill of one token a minute adds at most one while the test runs
        assertThat(admitted.get()).as("admitted of 100 (%d refused)", refused.get())
                .isBetween(BURST, BURST + replicas.size() * SYNC_TOKENS + 1);
        assertThat(admitted.get() + refused.get()).isEqualTo(100);
    }

    @Test
    void aLocalCopyThatHasNotSeenTheOtherReplicasTakesDoesNotRefuseWhileTokensRemain() {
        RateLimitConfig config = config(Duration.ofMinutes(1));
        RateLimiter first = replica(config);
        RateLimiter second = replica(config);
        Caller caller = new Caller("org-" + UUID.randomUUID(), "calm@replicas.dev", Set.of("user"));

        for (int i = 0; i < BURST / 2; i++) {
            first.take(caller, OperationClass.RUNS).await().atMost(Duration.ofSeconds(10));
        }
        for (int i = 0; i < BURST / 2; i++) {
            second.take(caller, OperationClass.RUNS).await().atMost(Duration.ofSeconds(10));
        }
    }

    private RateLimiter replica(RateLimitConfig config) {
        return new RateLimiter(config, dataSource, schema, vertx, new SimpleMeterRegistry());
    }

    private static RateLimitConfig config(Duration syncInterval) {
        Limits runs = new Limits(new Bucket(BURST, 1), new Bucket(100_000, 100_000));
        Limits open = new Limits(new Bucket(100_000, 100_000), new Bucket(100_000, 100_000));
        return new Config(true, syncInterval, SYNC_TOKENS, 1_000, 2, Duration.ofSeconds(10), runs, open, open, open);
    }
}
