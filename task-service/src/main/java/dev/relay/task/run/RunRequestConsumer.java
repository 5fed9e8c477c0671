package dev.relay.task.run;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.relay.common.event.RunRequested;
import dev.relay.common.event.Topics;
import dev.relay.common.messaging.IdempotentConsumer;
import io.smallrye.mutiny.Uni;

/**
 * Hands run requests to the runtime. Idempotent by the run itself: only a pending run is claimed, so a request
 * delivered twice starts the run once; a run started at once where its request committed ({@link ImmediateStarts}) or
 * held back to wait its turn is left alone. The record is acknowledged once the claim is committed.
 */
@ApplicationScoped
public class RunRequestConsumer {

    private static final String CONSUMER = "task-service-runtime";

    private final RunExecutor executor;
    private final IdempotentConsumer consumer;

    public RunRequestConsumer(RunExecutor executor, IdempotentConsumer consumer) {
        this.executor = executor;
        this.consumer = consumer;
    }

    @Incoming(Topics.TASK_RUNS)
    public Uni<Void> onRunRequested(String payload) {
        RunRequested request = consumer.read(payload, RunRequested.class);
        return consumer.idempotent(CONSUMER, () -> executor.startRequested(request.taskId(), request.streamId()).replaceWithVoid());
    }
}
