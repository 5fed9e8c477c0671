package dev.relay.common.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

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
 * Which bucket refuses: an organization's bucket holds all its users together (each user within its own limit), a
 * user refused by its own bucket takes nothing from its organization's, each operation class has buckets of its own,
 * and a refusal is a 429 that says when to retry.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class RateLimiterBucketsTest {

    private static final long PLENTY = 100_000;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    Vertx vertx;
    @ConfigProperty(name = "relay.schema")
    String schema;

    @Test
    void anOrganizationsUsersTogetherAreRefusedByItsBucketAndAnotherOrganizationIsNot() {
        // every class: users 10 at once each, organizations 6 at once (refilled one a minute)
        RateLimiter limiter = limiter(new Limits(new Bucket(10, 1), new Bucket(6, 1)));
        String org = "org-" + UUID.randomUUID();
        for (int user = 0; user < 3; user++) {
            for (int request = 0; request < 2; request++) {
                take(limiter, caller(org, "user" + user), OperationClass.SETTINGS);
            }
        }
        ApiException refused = refusal(limiter, caller(org, "user3"), OperationClass.SETTINGS);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("too_many_requests");
        assertThat(refused.getMessage()).contains("organization '" + org + "'").contains("'settings'");
        assertThat(refused.retryAfterSeconds()).isBetween(1L, 60L);

        take(limiter, caller("org-" + UUID.randomUUID(), "user3"), OperationClass.SETTINGS);
    }

    @Test
    void aUserRefusedByItsOwnBucketTakesNothingFromItsOrganizations() {
        RateLimiter limiter = limiter(new Limits(new Bucket(3, 1), new Bucket(5, 1)));
        String org = "org-" + UUID.randomUUID();
        Caller flood = caller(org, "flood");
        for (int request = 0; request < 3; request++) {
            take(limiter, flood, OperationClass.RUNS);
        }
        for (int request = 0; request < 20; request++) {
            assertThat(refusal(limiter, flood, OperationClass.RUNS).getMessage()).contains("user '" + flood.email() + "'");
        }
        // the organization's bucket lost only the flooding user's 3 admitted requests: 2 remain for a colleague
        Caller colleague = caller(org, "colleague");
        take(limiter, colleague, OperationClass.RUNS);
        take(limiter, colleague, OperationClass.RUNS);
        assertThat(refusal(limiter, colleague, OperationClass.RUNS).getMessage()).contains("organization '" + org + "'");
    }

    @Test
    void eachOperationClassHasBucketsOfItsOwn() {
        RateLimiter limiter = limiter(new Limits(new Bucket(2, 1), new Bucket(PLENTY, PLENTY)));
        Caller caller = caller("org-" + UUID.randomUUID(), "busy");
        for (OperationClass operation : OperationClass.values()) {
            take(limiter, caller, operation);
            take(limiter, caller, operation);
            assertThat(refusal(limiter, caller, operation).getMessage())
                    .contains("'" + operation.name().toLowerCase() + "'");
        }
    }

    private RateLimiter limiter(Limits everyClass) {
        RateLimitConfig config = new Config(true, Duration.ofMinutes(1), 1, 1_000, 2, Duration.ofSeconds(10),
                everyClass, everyClass, everyClass, everyClass);
        return new RateLimiter(config, dataSource, schema, vertx, new SimpleMeterRegistry());
    }

    private static Caller caller(String org, String user) {
        return new Caller(org, user + "@buckets.dev", Set.of("user"));
    }

    private static void take(RateLimiter limiter, Caller caller, OperationClass operation) {
        limiter.take(caller, operation).await().atMost(Duration.ofSeconds(10));
    }

    private static ApiException refusal(RateLimiter limiter, Caller caller, OperationClass operation) {
        try {
            take(limiter, caller, operation);
        } catch (ApiException refused) {
            return refused;
        }
        throw new AssertionError(operation + " of " + caller.email() + " was admitted, expected a refusal");
    }
}
