package dev.relay.task.runtime;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.task.config.RuntimeConfig;
import dev.relay.task.domain.OutboxEvent;
import dev.relay.task.messaging.OutboxPublisher;
import dev.relay.task.service.RunSteps;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;

/**
 * Executes runs with the agent: claims the run, streams the reply chunk by chunk (each chunk its own transaction
 * and event) and completes it, or suspends it when the agent asks the user for a confirmation (the answer
 * requests the run again, and it resumes here). Each run gets a Vert.x context of its own, so runs of many tasks proceed at once.
 */
@ApplicationScoped
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    private final RunSteps steps;
    private final SimulatedAgent agent;
    private final OutboxPublisher publisher;
    private final RuntimeConfig config;
    private final Vertx vertx;

    public RunExecutor(RunSteps steps, SimulatedAgent agent, OutboxPublisher publisher, RuntimeConfig config, Vertx vertx) {
        this.steps = steps;
        this.agent = agent;
        this.publisher = publisher;
        this.config = config;
        this.vertx = vertx;
    }

    /** Claims the run and starts executing it; completes once the claim is durable, before the run ends. */
    public Uni<Void> start(UUID streamId) {
        return steps.claim(streamId).chain(claimed -> {
            if (claimed == null) {
                LOG.debugf("run %s already claimed, ignoring the request", streamId);
                return Uni.createFrom().voidItem();
            }
            return publisher.publish(claimed.records()).invoke(() -> executeDetached(claimed));
        });
    }

    private void executeDetached(RunSteps.Claimed claimed) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        UUID streamId = claimed.run().id;
        context.runOnContext(ignored -> execute(claimed).subscribe().with(
                done -> LOG.debugf("run %s finished", streamId),
                failure -> {
                    LOG.errorf(failure, "run %s failed", streamId);
                    steps.fail(streamId, "the agent runtime failed").call(publisher::publish)
                            .subscribe().with(ok -> { }, e -> LOG.errorf(e, "could not record the failure of run %s", streamId));
                }));
    }

    private Uni<Void> execute(RunSteps.Claimed claimed) {
        UUID streamId = claimed.run().id;
        UUID messageId = UUID.randomUUID();
        AgentReply reply = agent.reply(claimed.prompt(), claimed.run().runConfig, claimed.answer());
        return Multi.createFrom().iterable(reply.chunks())
                .onItem().transformToUniAndConcatenate(chunk -> pause()
                        .chain(() -> steps.delta(streamId, messageId, chunk))
                        .invoke(RunExecutor::stopIfEnded)
                        .call(this::publish))
                .collect().last()
                .chain(() -> reply.asksForApproval()
                        ? steps.suspend(streamId, messageId, reply)
                        : steps.complete(streamId, messageId, reply))
                .call(this::publish)
                .replaceWithVoid()
                .onFailure(RunEnded.class).recoverWithNull();
    }

    /** A step that appended nothing found the run no longer active (cancelled or reaped): stop executing it. */
    private static void stopIfEnded(List<OutboxEvent> appended) {
        if (appended.isEmpty()) {
            throw new RunEnded();
        }
    }

    private static final class RunEnded extends RuntimeException {
        RunEnded() {
            super(null, null, false, false);
        }
    }

    private Uni<Void> publish(List<OutboxEvent> records) {
        return publisher.publish(records);
    }

    private Uni<Void> pause() {
        Duration delay = config.chunkDelay();
        if (delay.isZero()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(delay.toMillis(), id -> emitter.complete(null)));
    }
}
