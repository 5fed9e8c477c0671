package dev.relay.stream.sse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

import dev.relay.stream.config.StreamConfig;

/** Counts this replica's open streams per organization, so one organization cannot take every connection. */
@Startup
@ApplicationScoped
public class ConnectionLimits {

    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final StreamConfig config;

    public ConnectionLimits(StreamConfig config, MeterRegistry registry) {
        this.config = config;
        Gauge.builder("relay.sse.connections.open", open, all -> all.values().stream().mapToInt(AtomicInteger::get).sum())
                .description("Event streams this replica serves").register(registry);
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
