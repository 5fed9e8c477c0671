package dev.relay.stream.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.relay.stream.sse.LiveEvents;

/** A replica takes streams only once live events reach it (its topic reader holds its partitions). */
@Readiness
@ApplicationScoped
public class LiveEventsReadiness implements HealthCheck {

    private final LiveEvents live;

    public LiveEventsReadiness(LiveEvents live) {
        this.live = live;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("live-events").status(live.isReceiving()).build();
    }
}
