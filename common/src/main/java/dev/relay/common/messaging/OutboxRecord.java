package dev.relay.common.messaging;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A Kafka record written in the transaction of the change it announces (table {@code outbox_event} in the
 * service's own schema), sent once that transaction commits and deleted once the broker acknowledged it. Its id travels as the {@value Outbox#EVENT_ID_HEADER}
 * header, so consumers can deduplicate by it.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxRecord {

    @Id
    public UUID id;
    public String topic;
    @Column(name = "record_key")
    public String recordKey;
    public String payload;
    @Column(name = "created_at")
    public Instant createdAt;
    /** The W3C traceparent of the request that wrote it, sent as a header so the trace goes on in its consumers. */
    @Column(name = "trace_parent")
    public String traceParent;
}
