package dev.relay.common.ratelimit;

import java.time.Duration;

/** Rate-limit settings built in a test: the buckets of each class and the limiter's own settings. */
final class TestRateLimits {

    private TestRateLimits() {
    }

    record Bucket(long burst, long perMinute) implements RateLimitConfig.Bucket {
    }

    record Limits(RateLimitConfig.Bucket user, RateLimitConfig.Bucket org) implements RateLimitConfig.Limits {
    }

    record Config(boolean enabled, Duration syncInterval, long syncTokens, long cachedBuckets, int threads, Duration checkTimeout,
            RateLimitConfig.Limits runs, RateLimitConfig.Limits settings, RateLimitConfig.Limits reads, RateLimitConfig.Limits streams)
            implements RateLimitConfig {
    }
}
