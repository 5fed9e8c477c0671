package dev.relay.task.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.common.event.TaskEventTypes;
import dev.relay.task.config.RuntimeConfig;
import dev.relay.task.domain.TaskRun;
import dev.relay.task.runtime.AgentReply;
import dev.relay.task.runtime.AgentRuntime;
import dev.relay.task.runtime.AgentRuntime.Output;
import dev.relay.task.runtime.ProviderFailure;
import dev.relay.task.runtime.tools.Tool;
import dev.relay.task.runtime.tools.ToolRegistry;
import dev.relay.task.runtime.tools.ToolResult;
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
    private final AgentRuntime agent;
    private final RuntimeConfig config;
    private final Vertx vertx;
    private final TaskMetrics metrics;
    private final ToolRegistry tools;
    private final SecretVault secrets;

    public RunExecutor(RunSteps steps, AgentRuntime agent, RuntimeConfig config, Vertx vertx, TaskMetrics metrics,
            ToolRegistry tools, SecretVault secrets) {
        this.steps = steps;
        this.metrics = metrics;
        this.tools = tools;
        this.secrets = secrets;
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
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
        context.runOnContext(ignored -> {
            // every line the run logs names its task, its run and the trace of the request that started it: the MDC and
            // the trace live in this context, which serves this run only (so the trace's scope is never closed)
            trace.makeCurrent();
            MDC.put("taskId", claimed.run().taskId.toString());
            MDC.put("runId", streamId.toString());
            metrics.runStarted();
            execute(claimed, context).onTermination().invoke(metrics::runLeft).subscribe().with(
                    done -> LOG.infof("run %s of task %s ended", streamId, claimed.run().taskId),
                    failure -> {
                        if (failure instanceof AgentRuntime.RunStopped) {
                            LOG.infof("run %s of task %s stopped while its agent worked", streamId, claimed.run().taskId);
                            return;
                        }
                        String reason = failure instanceof ProviderFailure ? failure.getMessage() : "the agent runtime failed";
                        if (failure instanceof ProviderFailure) {
                            LOG.warnf("run %s failed: %s", streamId, reason);
                        } else {
                            LOG.errorf(failure, "run %s failed", streamId);
                        }
                        steps.fail(streamId, reason)
                                .subscribe().with(ok -> { }, e -> LOG.errorf(e, "could not record the failure of run %s", streamId));
                    });
        });
    }

    private Uni<Void> execute(RunSteps.Claimed claimed, Context context) {
        Deltas deltas = new Deltas(claimed, UUID.randomUUID());
        return deltas.stopIfBudgetUsedUp().chain(stopped -> stopped ? Uni.createFrom().voidItem() : work(deltas, context));
    }

    /**
     * Takes the agent's output as it comes, on the run's own context: text is sent as one delta at most every
     * {@code relay.runtime.delta-interval} (the first at once, the rest by the end), the finished reply completes or
     * suspends the run. Stops asking the agent for more (which closes a provider's stream) once a step finds the run
     * no longer active or the reply is done.
     */
    private Uni<Void> work(Deltas deltas, Context context) {
        RunSteps.Claimed claimed = deltas.claimed;
        return secrets.resolve(claimed.holder().org(), claimed.secretNames()).onItem().transformToMulti(resolved -> agent.run(
                        claimed.prompt(), claimed.run().runConfig, claimed.answer(), new RunTools(deltas, resolved, context)))
                .emitOn(command -> context.runOnContext(ignored -> command.run()))
                .onItem().transformToUniAndConcatenate(output -> step(deltas, output))
                .skip().where(goOn -> goOn)
                .toUni().replaceWithVoid();
    }

    /** Handles one piece of output; answers whether the run goes on. */
    private Uni<Boolean> step(Deltas deltas, Output output) {
        if (output instanceof Output.Text text) {
            deltas.held.append(text.delta());
            boolean due = deltas.first || System.nanoTime() - deltas.lastSent >= config.deltaInterval().toNanos();
            return due ? deltas.flush() : Uni.createFrom().item(true);
        }
        AgentReply reply = ((Output.Finished) output).reply();
        RunSteps.Claimed claimed = deltas.claimed;
        return deltas.flush().chain(goOn -> !goOn ? Uni.createFrom().item(false)
                : (reply.asksForApproval() ? steps.suspend(claimed.run(), deltas.messageId, reply)
                        : steps.complete(claimed.run(), deltas.messageId, reply)).replaceWith(false));
    }

    /**
     * A run's tools: what its mode allows, each call recorded as {@code tool.call} and {@code tool.result} events
     * (the text before it sent first), with the task's named secrets; on the run's own context.
     */
    private final class RunTools implements AgentRuntime.Tools {
        private final Deltas deltas;
        private final Map<String, String> secretValues;
        private final Context context;

        RunTools(Deltas deltas, Map<String, String> secretValues, Context context) {
            this.deltas = deltas;
            this.secretValues = secretValues;
            this.context = context;
        }

        @Override
        public List<Tool> available() {
            return tools.available(deltas.claimed.run().runConfig.mode());
        }

        @Override
        public Uni<ToolResult> call(String callId, String name, JsonNode arguments) {
            TaskRun run = deltas.claimed.run();
            return Uni.createFrom().deferred(() -> {
                long started = System.nanoTime();
                ObjectNode call = JsonNodeFactory.instance.objectNode().put("call_id", callId).put("name", name);
                call.set("arguments", arguments);
                return deltas.flush().chain(goOn -> goOn ? steps.toolEvent(run, TaskEventTypes.TOOL_CALL, call) : Uni.createFrom().item(false))
                        .chain(recorded -> recorded ? tools.call(name, arguments, secretValues)
                                : Uni.createFrom().<ToolResult>failure(new AgentRuntime.RunStopped()))
                        .emitOn(command -> context.runOnContext(ignored -> command.run()))
                        .chain(result -> steps.toolEvent(run, TaskEventTypes.TOOL_RESULT, JsonNodeFactory.instance.objectNode()
                                        .put("call_id", callId).put("name", name).put("output", result.output()).put("error", result.error())
                                        .put("duration_ms", (System.nanoTime() - started) / 1_000_000))
                                .chain(recorded -> recorded ? Uni.createFrom().item(result)
                                        : Uni.createFrom().<ToolResult>failure(new AgentRuntime.RunStopped())));
            }).runSubscriptionOn(command -> context.runOnContext(ignored -> command.run()));
        }
    }

    /** The assistant message being streamed: what is held back for the next delta, and when the last one went. */
    private final class Deltas {
        final RunSteps.Claimed claimed;
        final UUID messageId;
        final StringBuilder held = new StringBuilder();
        boolean first = true;
        long lastSent;
        long lastBudgetCheck;

        Deltas(RunSteps.Claimed claimed, UUID messageId) {
            this.claimed = claimed;
            this.messageId = messageId;
        }

        Uni<Boolean> flush() {
            if (held.isEmpty()) {
                return Uni.createFrom().item(true);
            }
            String chunk = held.toString();
            held.setLength(0);
            boolean creates = first;
            first = false;
            lastSent = System.nanoTime();
            boolean checkDue = lastSent - lastBudgetCheck >= config.budgetCheckInterval().toNanos();
            return (checkDue ? stopIfBudgetUsedUp() : Uni.createFrom().item(false)).chain(stopped -> stopped ? Uni.createFrom().item(false)
                    : steps.delta(claimed.run(), messageId, chunk, creates));
        }

        /**
         * A run stops once a limit of its budget is used up: checked when it starts and then before a step at most
         * every {@code relay.runtime.budget-check-interval}, not at every delta (the hot path).
         */
        Uni<Boolean> stopIfBudgetUsedUp() {
            lastBudgetCheck = System.nanoTime();
            return steps.stopIfBudgetUsedUp(claimed);
        }
    }
}
