package dev.relay.stream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.domain.ReceivedEvent;

class StoredSignalsTest {

    private final StoredSignals signals = new StoredSignals();

    @Test
    void aWaiterIsWokenOnceByTheFirstStoreOfItsTaskOnly() {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        signals.onStored(task, woken::incrementAndGet);

        signals.stored(List.of(event(UUID.randomUUID())));
        assertThat(woken).hasValue(0);
        signals.stored(List.of(event(task), event(task)));
        signals.stored(List.of(event(task)));

        assertThat(woken).hasValue(1);
        assertThat(signals.waiting()).isZero();
    }

    @Test
    void aWaiterThatStoppedWaitingIsNotWokenAndNotKept() {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        Runnable stop = signals.onStored(task, woken::incrementAndGet);
        signals.onStored(task, woken::incrementAndGet);

        stop.run();
        stop.run();
        assertThat(signals.waiting()).isEqualTo(1);
        signals.stored(List.of(event(task)));

        assertThat(woken).hasValue(1);
        assertThat(signals.waiting()).isZero();
    }

    private static ReceivedEvent event(UUID task) {
        return new ReceivedEvent(new TaskEvent(UUID.randomUUID(), task, "acme", 1, null, TaskEventTypes.TASK_CREATED, Instant.now(),
                JsonNodeFactory.instance.objectNode()), "{}");
    }
}
