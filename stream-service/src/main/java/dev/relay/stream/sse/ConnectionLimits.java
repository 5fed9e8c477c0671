package dev.relay.stream.sse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

import dev.relay.common.auth.Caller;
import dev.relay.stream.config.StreamConfig;

/**
 * Counts this replica's open streams per organization and per user, so one organization cannot take every connection
 * and one user cannot take all of its organization's.
 */
@Startup
@ApplicationScoped
public class ConnectionLimits {

    private final Map<String, AtomicInteger> perOrg = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final StreamConfig config;

    public ConnectionLimits(StreamConfig config, MeterRegistry registry) {
        this.config = config;
        Gauge.builder("relay.sse.connections.open", perOrg, all -> all.values().stream().mapToInt(AtomicInteger::get).sum())
                .description("Event streams this replica serves").register(registry);
    }

    /** Takes a slot for the caller, or answers why it has none left (null when it got one). */
    public String tryAcquire(Caller caller) {
        if (!take(perUser, userKey(caller), config.maxConnectionsPerUser())) {
            return "user '" + caller.email() + "' has too many open streams";
        }
        if (!take(perOrg, caller.org(), config.maxConnectionsPerOrg())) {
            give(perUser, userKey(caller));
            return "organization '" + caller.org() + "' has too many open streams";
        }
        return null;
    }

    /** The slots the caller holds: streams open, or opens waiting for the log. */
    public int held(Caller caller) {
        AtomicInteger count = perUser.get(userKey(caller));
        return count == null ? 0 : count.get();
    }

    public void release(Caller caller) {
        give(perOrg, caller.org());
        give(perUser, userKey(caller));
    }

    /** Counts one more under {@code key} unless it has {@code max}; atomic with {@link #give} removing the key at zero. */
    private static boolean take(Map<String, AtomicInteger> counts, String key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, count) -> {
            AtomicInteger now = count == null ? new AtomicInteger() : count;
            if (now.get() < max) {
                now.incrementAndGet();
                taken[0] = true;
            }
            return now.get() == 0 ? null : now;
        });
        return taken[0];
    }

    private static void give(Map<String, AtomicInteger> counts, String key) {
        counts.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private static String userKey(Caller caller) {
        return caller.org().length() + ":" + caller.org() + ":" + caller.email();
    }
}
