package dev.relay.common.observability;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.relay.common.observability.ConsumerMonitor.ConsumerState;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Ready once every Kafka consumer of the service has joined its group and been given its share of partitions (none is
 * a fair share when a group has more members than its topic has partitions). The database and the broker connection
 * have their own readiness checks (Quarkus' datasource check, SmallRye's Kafka check). Until every consumer has joined,
 * each check reads the consumers' own metrics afresh (on their polling threads; the broker is not asked), so a
 * starting service is ready the moment its groups let it in, not at the monitor's next pass.
 */
@Readiness
@ApplicationScoped
public class ConsumersReadiness implements AsyncHealthCheck {

    private final ConsumerMonitor monitor;

    public ConsumersReadiness(ConsumerMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return (monitor.allJoined() ? Uni.createFrom().voidItem() : monitor.read()).map(read -> response());
    }

    private HealthCheckResponse response() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kafka-consumer-assignments").up();
        for (Map.Entry<String, Optional<ConsumerState>> channel : monitor.states().entrySet()) {
            Optional<ConsumerState> state = channel.getValue();
            if (state.isEmpty() || !state.get().joined()) {
                response.down().withData(channel.getKey(), "not in its group yet");
            } else {
                response.withData(channel.getKey(), state.get().assignedPartitions() + " partitions");
            }
        }
        return response.build();
    }
}
