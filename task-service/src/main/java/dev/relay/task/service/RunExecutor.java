package dev.relay.task.service;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.relay.task.config.RuntimeConfig;
import dev.relay.task.domain.Approval;
import dev.relay.task.domain.TaskRun;
import dev.relay.task.domain.ToolCall;
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
    private static final String ASK_QUESTION = "ask_question";

    private final RunSteps steps;
    private final AgentRuntime agent;
    private final RuntimeConfig config;
    private final Vertx vertx;
    private final TaskMetrics metrics;
    private final ToolRegistry tools;
    private final SecretVault secrets;
    /** The runs this instance works, each with how to stop its agent at once (its agent registers that). */
    private final Map<UUID, Runnable> working = new ConcurrentHashMap<>();

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

    /** The runs this instance is working now. */
    public Set<UUID> working() {
        return Set.copyOf(working.keySet());
    }

    /** Stops the agent of run {@code streamId} at once if this instance works it (the run was just cancelled). */
    public void stopHere(UUID streamId) {
        Runnable stop = working.get(streamId);
        if (stop != null) {
            stop.run();
        }
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
            working.put(streamId, () -> { });
            execute(claimed, context).onTermination().invoke(() -> {
                working.remove(streamId);
                metrics.runLeft();
            }).subscribe().with(
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
                        // the failure may come on a provider's thread: the run's steps use its own context
                        context.runOnContext(again -> steps.fail(claimed.run(), reason, null)
                                .subscribe().with(ok -> { }, e -> LOG.errorf(e, "could not record the failure of run %s", streamId)));
                    });
        });
    }

    private Uni<Void> execute(RunSteps.Claimed claimed, Context context) {
        Deltas deltas = new Deltas(claimed);
        return deltas.stopIfBudgetUsedUp().chain(stopped -> stopped ? Uni.createFrom().voidItem()
                : secrets.resolve(claimed.holder().org(), claimed.secretNames()).chain(resolved -> {
                    RunTools runTools = new RunTools(deltas, resolved, context);
                    return runTools.settle().chain(goOn -> goOn ? work(deltas, runTools, context) : Uni.createFrom().voidItem());
                }));
    }

    /**
     * Takes the agent's output as it comes, on the run's own context: text is sent as one delta at most every
     * {@code relay.runtime.delta-interval} (the first at once, the rest by the end), usage as it is reported, and the
     * end completes or suspends the run. Stops asking the agent for more (which closes a provider's stream) once a
     * step finds the run no longer active or the agent done.
     */
    private Uni<Void> work(Deltas deltas, RunTools runTools, Context context) {
        RunSteps.Claimed claimed = deltas.claimed;
        // one output at a time, each step on the run's context and the next asked for only once it is done: a tool
        // call (which the agent makes while producing output) never uses the run's database session with a step
        return agent.run(Transcript.turns(claimed.messages(), claimed.calls()), claimed.run().runConfig, claimed.answer(), runTools)
                .onItem().transformToUni(output -> Uni.createFrom().deferred(() -> step(deltas, output))
                        .runSubscriptionOn(command -> context.runOnContext(ignored -> command.run())))
                // an agent's failure waits for the step in progress: a transaction is never cut off half-way
                .collectFailures().concatenate()
                .skip().where(goOn -> goOn)
                .toUni().replaceWithVoid();
    }

    /** Handles one piece of output; answers whether the run goes on. */
    private Uni<Boolean> step(Deltas deltas, Output output) {
        TaskRun run = deltas.claimed.run();
        if (output instanceof Output.Text text) {
            deltas.held.append(text.delta());
            boolean due = deltas.first || System.nanoTime() - deltas.lastSent >= config.deltaInterval().toNanos();
            return due ? deltas.flush() : Uni.createFrom().item(true);
        }
        if (output instanceof Output.Usage usage) {
            return deltas.flush().chain(goOn -> goOn ? steps.usage(run, usage.model(), usage.inputTokens(), usage.outputTokens())
                    : Uni.createFrom().item(false));
        }
        AgentRuntime.Question question = ((Output.Finished) output).question();
        Uni<Boolean> ended;
        if (question == null) {
            ended = deltas.flush().chain(goOn -> goOn ? steps.complete(run, deltas.messageId) : Uni.createFrom().item(false));
        } else if (question.callId() == null) {
            ended = deltas.flush().chain(goOn -> goOn ? steps.suspend(run, deltas.messageId, Approval.GENERAL, question.text(), null)
                    : Uni.createFrom().item(false));
        } else {
            ended = deltas.beforeCall().chain(goOn -> goOn ? steps.recordCall(run, question.callId(), ASK_QUESTION,
                            JsonNodeFactory.instance.objectNode().put("question", question.text())) : Uni.createFrom().<ToolCall>nullItem())
                    .chain(call -> call == null ? Uni.createFrom().item(false)
                            : steps.suspend(run, null, Approval.QUESTION, question.text(), call.id));
        }
        return ended.replaceWith(false);
    }

    /**
     * A run's tools: what its mode and permissions allow, each call recorded as {@code tool.call} and
     * {@code tool.result} events (the text before it completed first), with the task's named secrets; a call that
     * changes something waits for the user's approval when the task's approval mode asks for it. On the run's own
     * context.
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
            return tools.available(deltas.claimed.run().runConfig.mode(), deltas.claimed.readOnly());
        }

        @Override
        public void onStop(Runnable stop) {
            working.replace(deltas.claimed.run().id, stop);
        }

        @Override
        public Uni<ToolResult> call(String callId, String name, JsonNode arguments) {
            RunSteps.Claimed claimed = deltas.claimed;
            Tool tool = available().stream().filter(candidate -> candidate.name().equals(name)).findFirst().orElse(null);
            return Uni.createFrom().deferred(() -> deltas.beforeCall()
                    .chain(goOn -> goOn ? steps.recordCall(claimed.run(), callId, name, arguments) : Uni.createFrom().<ToolCall>nullItem())
                    .chain(call -> {
                        if (call == null) {
                            return stopped();
                        }
                        if (tool != null && tools.needsApproval(tool, arguments, claimed.approvalMode())) {
                            return steps.suspend(claimed.run(), null, Approval.TOOL_CALL,
                                    "May the agent call " + name + " with " + arguments + "?", call.id).chain(suspended -> stopped());
                        }
                        return run(call, tool == null ? null : arguments)
                                .chain(result -> result == null ? stopped() : Uni.createFrom().item(result));
                    })).runSubscriptionOn(command -> context.runOnContext(ignored -> command.run()));
        }

        /**
         * Gives every call of this run that has no result yet its result, before the agent goes on: the user's answer
         * to a question, the call itself once the user approved it, the refusal when they did not, and for a call
         * whose instance died before its result was recorded, that it was interrupted (it is not made again: whether
         * it took effect is unknown). Answers whether the run is still active.
         */
        Uni<Boolean> settle() {
            Uni<Boolean> settled = Uni.createFrom().item(true);
            for (ToolCall call : deltas.claimed.unsettled()) {
                settled = settled.chain(goOn -> goOn ? settle(call) : Uni.createFrom().item(false));
            }
            return settled;
        }

        private Uni<Boolean> settle(ToolCall call) {
            Approval approval = deltas.claimed.approvalOf(call);
            if (approval != null && approval.isApproved() && Approval.TOOL_CALL.equals(approval.approvalType)) {
                Tool tool = available().stream().filter(candidate -> candidate.name().equals(call.name)).findFirst().orElse(null);
                return run(call, tool == null ? null : Transcript.arguments(call.arguments)).map(result -> result != null);
            }
            ToolResult result;
            if (approval == null) {
                result = ToolResult.failed("this call was interrupted (the run's worker stopped) before its result was recorded;"
                        + " it was not made again, and whether it took effect is unknown");
            } else if (Approval.QUESTION.equals(approval.approvalType)) {
                result = ToolResult.ok(approval.isApproved()
                        ? "The user answered: " + (approval.instructions() == null ? "yes" : approval.instructions())
                        : "The user declined to answer." + (approval.instructions() == null ? "" : " They said: " + approval.instructions()));
            } else {
                result = ToolResult.failed("the user did not approve this call"
                        + (approval.instructions() == null ? "" : "; they said: " + approval.instructions()));
            }
            return steps.recordResult(deltas.claimed.run(), call, result, 0);
        }

        /** Makes a recorded call ({@code arguments} null: no such tool for this run) and records its result; null once the run stopped. */
        private Uni<ToolResult> run(ToolCall call, JsonNode arguments) {
            long started = System.nanoTime();
            Uni<ToolResult> result = arguments == null
                    ? Uni.createFrom().item(ToolResult.failed("no tool named " + call.name + " is available to this run"))
                    : tools.call(call.name, arguments, secretValues);
            return result.emitOn(command -> context.runOnContext(ignored -> command.run()))
                    .chain(made -> steps.recordResult(deltas.claimed.run(), call, made, (System.nanoTime() - started) / 1_000_000)
                            .map(recorded -> recorded ? made : null));
        }

        private static <T> Uni<T> stopped() {
            return Uni.createFrom().failure(new AgentRuntime.RunStopped());
        }
    }

    /** The assistant message being streamed: what is held back for the next delta, and when the last one went. */
    private final class Deltas {
        final RunSteps.Claimed claimed;
        UUID messageId = UUID.randomUUID();
        final StringBuilder held = new StringBuilder();
        boolean first = true;
        long lastSent;
        long lastBudgetCheck;

        Deltas(RunSteps.Claimed claimed) {
            this.claimed = claimed;
        }

        /** Sends what is held and completes the message before a tool call: text after the call is a new message. */
        Uni<Boolean> beforeCall() {
            return flush().chain(goOn -> {
                if (!goOn || first) {
                    return Uni.createFrom().item(goOn);
                }
                UUID written = messageId;
                messageId = UUID.randomUUID();
                first = true;
                return steps.closeMessage(claimed.run(), written);
            });
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
