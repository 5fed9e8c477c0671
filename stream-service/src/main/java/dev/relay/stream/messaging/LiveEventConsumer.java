package dev.relay.stream.messaging;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.EnvelopeReader;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.PoisonRecord;
import dev.relay.common.messaging.TraceParent;
import dev.relay.stream.domain.EventFrame;
import dev.relay.stream.sse.LiveEvents;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Reads the task-events topic a second time, from its end, in a consumer group of this replica's own, and hands
 * each record to the streams following its task. Live delivery thus costs the store nothing and needs no
 * notification through the database; a stream fills from the log whatever it did not get here (events before it
 * started listening), so this reader may skip, lag or repeat without a viewer losing or repeating an event.
 * Nothing is committed: a restarted replica starts at the end again.
 */
@ApplicationScoped
@Identifier(LiveEventConsumer.CHANNEL)
public class LiveEventConsumer implements KafkaConsumerRebalanceListener {

    public static final String CHANNEL = "task-events-live";

    private final LiveEvents live;
    private final EnvelopeReader reader;
    private final Tracer tracer;

    public LiveEventConsumer(LiveEvents live, EnvelopeReader reader, Tracer tracer) {
        this.live = live;
        this.reader = reader;
        this.tracer = tracer;
    }

    @Incoming(CHANNEL)
    public Uni<Void> onEvents(ConsumerRecords<String, String> records) {
        List<EventFrame> notices = new ArrayList<>();
        List<Span> deliveries = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            if (isWatched(record.key())) {
                try {
                    EnvelopeReader.Position event = reader.position(record.value());
                    notices.add(new EventFrame(event.taskId(), event.seq(), event.type(), event.streamId(), record.value()));
                    if (record.headers().lastHeader(TraceParent.HEADER) != null) {
                        deliveries.add(deliverySpan(record, event));
                    }
                } catch (PoisonRecord malformed) {
                    // the storing consumer reports it; a stream never sees what the log never holds
                }
            }
        }
        if (!notices.isEmpty()) {
            live.publish(notices);
        }
        deliveries.forEach(Span::end);
        return Uni.createFrom().voidItem();
    }

    /**
     * The last step of the trace a request began (its traceparent travelled in the outbox row and the record's
     * headers): handing the event to this replica's streams. Only records that carry one get a span.
     */
    private Span deliverySpan(ConsumerRecord<String, String> record, EnvelopeReader.Position event) {
        return tracer.spanBuilder(Topics.TASK_EVENTS + " deliver").setSpanKind(SpanKind.CONSUMER)
                .setParent(TraceParent.of(record.headers()))
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("relay.task_id", event.taskId().toString())
                .setAttribute("relay.event.seq", event.seq())
                .setAttribute("relay.event.type", event.type())
                .startSpan();
    }

    /** The key is the task id: records of tasks nobody here follows are not parsed at all. */
    private boolean isWatched(String key) {
        if (key == null) {
            return true;
        }
        try {
            return live.isWatched(UUID.fromString(key));
        } catch (IllegalArgumentException notATaskId) {
            return true;
        }
    }

    /** Resolves the end positions before saying live events flow, so nothing published after that is missed. */
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(consumer::position);
        live.receiving(!partitions.isEmpty());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        live.receiving(false);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        live.receiving(false);
    }
}
