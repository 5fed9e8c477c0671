package dev.relay.common.observability;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import dev.relay.common.lifecycle.StartingOrStopping;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Reads every Kafka consumer's own metrics on its polling thread, every few seconds: whether it has joined its group,
 * how many partitions it holds, how far behind it is. Readiness ({@link ConsumersReadiness}) and the
 * {@code relay_consumer_*} metrics answer from what it read last, so neither touches the broker.
 */
@ApplicationScoped
public class ConsumerMonitor {

    /** What one channel's consumer said of itself when last asked. */
    public record ConsumerState(String group, boolean joined, int assignedPartitions, double lag) {
    }

    private final KafkaClientService kafka;
    private final MeterRegistry registry;
    private final Map<String, ConsumerState> states = new ConcurrentHashMap<>();

    public ConsumerMonitor(KafkaClientService kafka, MeterRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Every incoming channel of this service and its consumer's last state (absent until it was first read). */
    public Map<String, Optional<ConsumerState>> states() {
        Map<String, Optional<ConsumerState>> all = new TreeMap<>();
        kafka.getConsumerChannels().forEach(channel -> all.put(channel, Optional.ofNullable(states.get(channel))));
        return all;
    }

    /** Whether every incoming channel's consumer had joined its group when last read. */
    public boolean allJoined() {
        return states().values().stream().allMatch(state -> state.isPresent() && state.get().joined());
    }

    @Scheduled(every = "{relay.consumers.monitor-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> read() {
        return Multi.createFrom().iterable(List.copyOf(kafka.getConsumerChannels()))
                .onItem().transformToUniAndMerge(this::read)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> read(String channel) {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(channel);
        if (consumer == null) {
            return Uni.createFrom().voidItem();
        }
        Object groupId = consumer.configuration().get("group.id");
        String group = groupId == null ? "" : groupId.toString();
        Function<Consumer<Object, Object>, ConsumerState> readMetrics = client -> state(group, client.metrics());
        return consumer.runOnPollingThread(readMetrics)
                .invoke(state -> remember(channel, state))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void remember(String channel, ConsumerState state) {
        if (states.put(channel, state) == null) {
            Gauge.builder("relay.consumer.lag", states, all -> all.get(channel).lag())
                    .description("Records the consumer is behind the end of its partitions (the most of any partition it holds)")
                    .tags("channel", channel, "group", state.group()).baseUnit("records").register(registry);
            Gauge.builder("relay.consumer.assigned.partitions", states, all -> all.get(channel).assignedPartitions())
                    .description("Partitions the consumer holds").tags("channel", channel, "group", state.group())
                    .register(registry);
        }
    }

    private static ConsumerState state(String group, Map<MetricName, ? extends Metric> metrics) {
        double assigned = value(metrics, "consumer-coordinator-metrics", "assigned-partitions");
        double rebalances = value(metrics, "consumer-coordinator-metrics", "rebalance-total");
        double lag = value(metrics, "consumer-fetch-manager-metrics", "records-lag-max");
        boolean joined = rebalances > 0 || assigned > 0;
        return new ConsumerState(group, joined, Double.isNaN(assigned) ? 0 : (int) assigned,
                Double.isNaN(lag) || lag < 0 ? 0 : lag);
    }

    private static double value(Map<MetricName, ? extends Metric> metrics, String group, String name) {
        for (Map.Entry<MetricName, ? extends Metric> metric : metrics.entrySet()) {
            // the per-client figure (partition- and topic-level ones carry more tags)
            if (metric.getKey().group().equals(group) && metric.getKey().name().equals(name)
                    && !metric.getKey().tags().containsKey("topic")) {
                return metric.getValue().metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
            }
        }
        return Double.NaN;
    }
}
