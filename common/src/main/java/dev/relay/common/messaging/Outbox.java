package dev.relay.common.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.mutiny.Uni;

/**
 * The one way a service publishes: {@link #transaction} runs a unit of work in a reactive transaction, every
 * {@link #add} inside it writes an outbox row in that same transaction, and once the transaction commits the rows
 * are handed to the {@link OutboxSender} in the order they were added. The caller never waits for the broker;
 * what a crash or an outage leaves unsent, {@link OutboxSweeper} sends again. So a record exists exactly when
 * the change it announces does, and reaches Kafka at least once; consumers deduplicate by its id.
 */
@ApplicationScoped
public class Outbox {

    /** The Kafka header that carries the outbox record's id (an event's id). */
    public static final String EVENT_ID_HEADER = "relay-event-id";

    /** The Kafka header that names the service that published the record. */
    public static final String PRODUCER_HEADER = "relay-producer";

    private static final Logger LOG = Logger.getLogger(Outbox.class);

    private static final String PENDING = Outbox.class.getName() + ".pending";

    /** What the outermost transaction in progress will do once it commits: send its records, then run its actions. */
    private record Pending(List<OutboxRecord> records, List<Runnable> afterCommit) {
    }

    private final OutboxRepository rows;
    private final OutboxSender sender;
    private final ObjectMapper json;
    private final MeterRegistry registry;

    public Outbox(OutboxRepository rows, OutboxSender sender, ObjectMapper json, MeterRegistry registry) {
        this.rows = rows;
        this.registry = registry;
        this.sender = sender;
        this.json = json;
    }

    /**
     * Runs {@code work} in a transaction (joining the one in progress, if any) and sends what it added to the outbox
     * once the outermost transaction has committed. Nothing is sent when it fails.
     */
    public <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (ContextLocals.get(PENDING).isPresent()) {
                return Panache.withTransaction(work);
            }
            Pending pending = new Pending(new ArrayList<>(), new ArrayList<>());
            ContextLocals.put(PENDING, pending);
            // the records are written at the end of the transaction, all in a few statements
            return Panache.withTransaction(() -> work.get().call(() -> rows.insertAll(pending.records())))
                    .eventually(() -> ContextLocals.remove(PENDING))
                    .invoke(() -> {
                        sender.send(pending.records());
                        count(pending.records());
                        pending.afterCommit().forEach(Outbox::runCommitted);
                    });
        });
    }

    /**
     * Writes a record for {@code topic} in the current {@link #transaction} (at its end, with the others); records
     * with the same key stay in order.
     * {@code value} is written as JSON unless it is a String already.
     */
    public Uni<Void> add(String topic, String key, UUID id, Object value) {
        return Uni.createFrom().deferred(() -> {
            inTransaction("add").records().add(record(topic, key, id, value));
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * A record its caller writes itself, in the one statement that makes the change it announces (a hot path that
     * needs no transaction of its own); once that statement has committed, the caller hands it to {@link #committed}.
     * {@code value} is written as JSON unless it is a String already.
     */
    public OutboxRecord record(String topic, String key, UUID id, Object value) {
        OutboxRecord row = new OutboxRecord();
        row.id = id;
        row.topic = topic;
        row.recordKey = key;
        row.payload = value instanceof String text ? text : write(value);
        row.createdAt = Instant.now();
        row.traceParent = TraceParent.current().orElse(null);
        return row;
    }

    /** Sends records their caller wrote and committed itself ({@link #record}), as a transaction's are once it commits. */
    public void committed(List<OutboxRecord> records) {
        sender.send(records);
        count(records);
    }

    /**
     * Runs {@code action} once the current {@link #transaction} has committed and its records were handed to the
     * sender (never when it fails), on the context that ran it: for work that may start only once the change is
     * visible to others, and that must not hold the transaction.
     */
    public Uni<Void> afterCommit(Runnable action) {
        return Uni.createFrom().deferred(() -> {
            inTransaction("afterCommit").afterCommit().add(action);
            return Uni.createFrom().voidItem();
        });
    }

    /** An action after the commit cannot undo it: its failure is logged, not passed to the committed work's caller. */
    private static void runCommitted(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "an action after a committed transaction failed (the transaction stands)");
        }
    }

    private static Pending inTransaction(String operation) {
        return ContextLocals.<Pending>get(PENDING)
                .orElseThrow(() -> new IllegalStateException("Outbox." + operation + " must run inside Outbox.transaction"));
    }

    /** {@code relay_outbox_records_total{topic}}: records committed per topic (on task-events: events appended). */
    private void count(List<OutboxRecord> committed) {
        committed.stream().collect(Collectors.groupingBy(record -> record.topic, Collectors.counting()))
                .forEach((topic, count) -> registry.counter("relay.outbox.records", "topic", topic).increment(count));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
