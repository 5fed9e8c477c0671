package dev.relay.common.ratelimit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Token buckets per operation class, one per user and one per organization, shared by every replica through the
 * service's database (Bucket4j's PostgreSQL backend). The defaults are in common's microprofile-config.properties.
 */
@ConfigMapping(prefix = "relay.rate-limits")
public interface RateLimitConfig {

    /** Whether requests are counted at all (off only for a single-tenant deployment or a benchmark). */
    @WithDefault("true")
    boolean enabled();

    /**
     * How long a replica may serve from its local copy of a bucket before writing what it took back to the database.
     * The overshoot is bounded by {@link #syncTokens()} alone (across R replicas a bucket admits at most R x sync-tokens
     * requests more than its limit): a copy that has not seen the other replicas' takes never holds fewer tokens than
     * the bucket holds once every replica's takes are counted, so it never refuses wrongly. A short interval made a caller at one request a second
     * pay two blocking transactions on every request (its bucket and its organization's), a few milliseconds of each
     * create (docs/benchmarks.md, "A quiet organization beside a flood").
     */
    @WithDefault("5s")
    Duration syncInterval();

    /** How many tokens a replica may take from its local copy of a bucket before writing them back. */
    @WithDefault("5")
    long syncTokens();

    /** How many buckets a replica keeps a local copy of (the least recently used are dropped first). */
    @WithDefault("20000")
    long cachedBuckets();

    /**
     * Threads of a replica that check buckets (a check mostly reads its local copy; a synchronization is a blocking
     * query): a burst of requests waits for them instead of growing the shared worker pool by a thread per request.
     */
    @WithDefault("4")
    int threads();

    /**
     * How long a request waits for its check (its threads busy with synchronizations a stalled database holds) before
     * it goes through unchecked, counted as {@code relay.rate_limit.unavailable}, as when the store fails.
     */
    @WithDefault("2s")
    Duration checkTimeout();

    Limits runs();

    Limits settings();

    Limits reads();

    Limits streams();

    default Limits of(OperationClass operation) {
        return switch (operation) {
            case RUNS -> runs();
            case SETTINGS -> settings();
            case READS -> reads();
            case STREAMS -> streams();
        };
    }

    interface Limits {
        /** The bucket of each user (a token's user, an API key's owner). */
        Bucket user();

        /** The bucket of each organization: all its users together. */
        Bucket org();
    }

    interface Bucket {
        /** Requests allowed at once after a quiet time: the bucket's capacity. */
        long burst();

        /** Requests allowed per minute in the long run: the refill rate. */
        long perMinute();
    }
}
