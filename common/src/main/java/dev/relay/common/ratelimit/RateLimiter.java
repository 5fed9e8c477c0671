package dev.relay.common.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.lifecycle.StartingOrStopping;
import io.agroal.api.AgroalDataSource;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;

/**
 * Takes a token from the caller's bucket and its organization's bucket for the operation class, or refuses with a 429
 * that says when a token will be back. Buckets live in the service's schema ({@code rate_limit_bucket}), so every
 * replica counts against the same ones; each replica serves from a local copy between synchronizations
 * ({@link RateLimitConfig#syncInterval()}, {@link RateLimitConfig#syncTokens()}), so most requests cost no query.
 * When the database cannot be reached, or a check does not answer within {@link RateLimitConfig#checkTimeout()}, the
 * request goes through (a limit is a brake, not a gate) and that is counted and logged.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    private final RateLimitConfig config;
    private final PostgreSQLSelectForUpdateBasedProxyManager<String> store;
    private final Cache<String, BucketProxy> local;
    private final WorkerExecutor checks;
    private final Counter refused;
    private final Counter unavailable;
    private final AtomicLong lastWarning = new AtomicLong();

    public RateLimiter(RateLimitConfig config, AgroalDataSource dataSource, @ConfigProperty(name = "relay.schema") String schema,
            Vertx vertx, MeterRegistry registry) {
        this.config = config;
        this.checks = vertx.createSharedWorkerExecutor("relay-rate-limits", config.threads());
        this.store = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table(schema + ".rate_limit_bucket")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
        this.local = Caffeine.newBuilder().maximumSize(config.cachedBuckets()).expireAfterAccess(Duration.ofMinutes(10)).build();
        this.refused = Counter.builder("relay.rate_limit.refused").description("Requests refused by a rate limit").register(registry);
        this.unavailable = Counter.builder("relay.rate_limit.unavailable")
                .description("Requests let through because the rate limits' store could not be reached").register(registry);
    }

    /** Completes when the caller may go on; fails with a 429 ({@code Retry-After}) when either bucket is empty. */
    public Uni<Void> take(Caller caller, OperationClass operation) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return checks.executeBlocking(Uni.createFrom().<Void>item(() -> {
            check(caller, operation);
            return null;
        }), false).ifNoItem().after(config.checkTimeout()).recoverWithItem(() -> {
            // a store that does not answer lets requests through, as one that fails does
            unavailable.increment();
            warnAtMostOncePerMinute(new IllegalStateException("no rate-limit check answered within " + config.checkTimeout()));
            return null;
        });
    }

    private void check(Caller caller, OperationClass operation) {
        RateLimitConfig.Limits limits = config.of(operation);
        ConsumptionProbe user;
        ConsumptionProbe org;
        try {
            user = consume(BucketKeys.user(operation, caller.org(), caller.email()), limits.user());
            // a user refused takes nothing from its organization, so one user's flood does not drain its colleagues
            org = user.isConsumed() ? consume(BucketKeys.org(operation, caller.org()), limits.org()) : null;
        } catch (RuntimeException storeFailure) {
            unavailable.increment();
            warnAtMostOncePerMinute(storeFailure);
            return;
        }
        if (!user.isConsumed()) {
            throw refusal("user '" + caller.email() + "'", operation, user);
        }
        if (!org.isConsumed()) {
            throw refusal("organization '" + caller.org() + "'", operation, org);
        }
    }

    private ApiException refusal(String who, OperationClass operation, ConsumptionProbe probe) {
        refused.increment();
        return ApiException.tooManyRequests(who + " sent too many requests of class '" + operation.name().toLowerCase()
                + "'; retry after the time in Retry-After", Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /**
     * Bucket4j's optimized proxies fail on a bucket missing from the table (a new one, or one forgotten while idle)
     * instead of creating it as plain proxies do (bucket4j/bucket4j#398): a plain call creates it, then the
     * optimized proxy is asked again.
     */
    private ConsumptionProbe consume(String key, RateLimitConfig.Bucket limit) {
        try {
            return local.get(key, k -> store.builder()
                    .withOptimization(Optimizations.delaying(new DelayParameters(config.syncTokens(), config.syncInterval())))
                    .build(k, () -> configuration(limit))).tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException failure) {
            if (!isMissingBucket(failure)) {
                throw failure;
            }
            local.invalidate(key);
            return store.builder().build(key, () -> configuration(limit)).tryConsumeAndReturnRemaining(1);
        }
    }

    private static BucketConfiguration configuration(RateLimitConfig.Bucket limit) {
        return BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.burst()).refillGreedy(limit.perMinute(), Duration.ofMinutes(1)))
                .build();
    }

    private static boolean isMissingBucket(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    private void warnAtMostOncePerMinute(RuntimeException failure) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warnf(failure, "rate limits are not applied: their store could not be reached");
        }
    }

    /** Buckets full again for a minute are forgotten, so the table holds only the recently busy callers. */
    @Scheduled(every = "${relay.rate-limits.cleanup-interval:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    void forgetIdleBuckets() {
        if (!config.enabled()) {
            return;
        }
        try {
            while (store.removeExpired(1000) == 1000) {
                // another batch
            }
        } catch (RuntimeException failure) {
            warnAtMostOncePerMinute(failure);
        }
    }
}
