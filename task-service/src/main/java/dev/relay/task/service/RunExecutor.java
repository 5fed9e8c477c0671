package dev.relay.task.service;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.relay.task.config.RuntimeConfig;
import dev.relay.task.runtime.AgentReply;
import dev.relay.task.runtime.SimulatedAgent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Executes runs with the agent: claims the run, streams the reply chunk by chunk (each chunk its own transaction
 * and event) and completes it, or suspends it when the agent asks the user for a confirmation (the answer
 * requests the run again, and it resumes here). Each run gets a Vert.x context of its own, so runs of many tasks
 * proceed at once.
 */
@ApplicationScoped
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    private final RunSteps steps;
    private final SimulatedAgent agent;
    private final RuntimeConfig config;
    private final Vertx vertx;

    public RunExecutor(RunSteps steps, SimulatedAgent agent, RuntimeConfig config, Vertx vertx) {
        this.steps = steps;
        this.agent = agent;
        this.config = config;
        this.vertx = vertx;
    }

    /** Claims the run and starts executing it; completes once the claim is committed, before the run ends. */
    public Uni<Void> start(UUID streamId) {
        return steps.claim(streamId).invoke(claimed -> {
            if (claimed == null) {
                LOG.debugf("run %s already claimed, ignoring the request", streamId);
            } else {
                executeDetached(claimed);
            }
        }).replaceWithVoid();
    }

    private void executeDetached(RunSteps.Claimed claimed) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        UUID streamId = claimed.run().id;
        context.runOnContext(ignored -> execute(claimed).subscribe().with(
                done -> LOG.debugf("run %s finished", streamId),
                failure -> {
                    LOG.errorf(failure, "run %s failed", streamId);
                    steps.fail(streamId, "the agent runtime failed")
                            .subscribe().with(ok -> { }, e -> LOG.errorf(e, "could not record the failure of run %s", streamId));
                }));
    }

    private Uni<Void> execute(RunSteps.Claimed claimed) {
        UUID messageId = UUID.randomUUID();
        AgentReply reply = agent.reply(claimed.prompt(), claimed.run().runConfig, claimed.answer());
        return streamChunks(claimed, messageId, reply, 0).chain(goOn -> !goOn ? Uni.createFrom().voidItem()
                : (reply.asksForApproval() ? steps.suspend(claimed.run(), messageId, reply)
                        : steps.complete(claimed.run(), messageId, reply)).replaceWithVoid());
    }

    /** Sends chunk {@code index} and the ones after it; answers false once a step finds the run no longer active. */
    private Uni<Boolean> streamChunks(RunSteps.Claimed claimed, UUID messageId, AgentReply reply, int index) {
        if (index == reply.chunks().size()) {
            return Uni.createFrom().item(true);
        }
        return pause().chain(() -> steps.delta(claimed.run(), messageId, reply.chunks().get(index), index == 0))
                .chain(applied -> applied ? streamChunks(claimed, messageId, reply, index + 1) : Uni.createFrom().item(false));
    }

    private Uni<Void> pause() {
        Duration delay = config.chunkDelay();
        if (delay.isZero()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(delay.toMillis(), id -> emitter.complete(null)));
    }
}
