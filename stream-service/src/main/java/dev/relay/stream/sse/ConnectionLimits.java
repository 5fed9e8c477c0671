package dev.relay.stream.sse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.stream.config.StreamConfig;

/** Counts this replica's open streams per organization, so one organization cannot take every connection. */
@ApplicationScoped
public class ConnectionLimits {

    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final StreamConfig config;

    public ConnectionLimits(StreamConfig config) {
        this.config = config;
    }

    /** Takes a slot for {@code org}, or answers false when it has none left. */
    public boolean tryAcquire(String org) {
        AtomicInteger count = open.computeIfAbsent(org, o -> new AtomicInteger());
        if (count.incrementAndGet() > config.maxConnectionsPerOrg()) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release(String org) {
        open.computeIfPresent(org, (o, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
