package dev.relay.task.run;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.task.agent.AgentRuntime;
import dev.relay.task.agent.ToolsConfig;
import dev.relay.task.agent.tools.Tool;
import dev.relay.task.agent.tools.ToolRegistry;
import dev.relay.task.agent.tools.ToolResult;
import dev.relay.task.secrets.Redactor;
import dev.relay.task.task.Approval;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * A run's tools: what its mode and permissions allow, each call recorded as {@code tool.call} and
 * {@code tool.result} events (the text before it completed first), with the task's named secrets; a call that
 * changes something waits for the user's approval when the task's approval mode asks for it. A call of a tool the
 * model was not offered, or past the run's bounds ({@code relay.tools.max-calls-per-*}), is recorded and refused
 * with a failed result, never made. On the run's own context.
 */
final class RunTools implements AgentRuntime.Tools {

    private final ReplyBuffer reply;
    private final ToolRegistry tools;
    private final ToolCallLog log;
    private final RunApprovals approvals;
    private final Map<String, String> secretValues;
    private final Map<String, List<String>> secretHosts;
    private final Redactor redactor;
    private final Context context;
    private final Consumer<Runnable> stopRegistry;
    private final ToolsConfig limits;
    private final SteeredMessages steered;
    /** The calls this run made so far (before a suspension or restart too), and those asked for by the current model call. */
    private final AtomicInteger callsOfRun;
    private final AtomicInteger callsOfMessage = new AtomicInteger();
    /** The names of the tools offered to the model for its current call; null before the agent's first offer. */
    private volatile Set<String> offered;

    RunTools(ReplyBuffer reply, ToolRegistry tools, ToolCallLog log, RunApprovals approvals, Map<String, String> secretValues,
            Map<String, List<String>> secretHosts, Redactor redactor, Context context, Consumer<Runnable> stopRegistry, ToolsConfig limits,
            SteeredMessages steered) {
        this.steered = steered;
        this.reply = reply;
        this.tools = tools;
        this.log = log;
        this.approvals = approvals;
        this.secretValues = secretValues;
        this.secretHosts = secretHosts;
        this.redactor = redactor;
        this.context = context;
        this.stopRegistry = stopRegistry;
        this.limits = limits;
        this.callsOfRun = new AtomicInteger((int) reply.claimed().calls().stream()
                .filter(call -> call.streamId.equals(reply.claimed().run().id)).count());
    }

    @Override
    public List<Tool> available() {
        ClaimedRun claimed = reply.claimed();
        return tools.available(claimed.run().runConfig.mode(), claimed.readOnly(), claimed.integrations());
    }

    @Override
    public List<Tool> offer(boolean onlyReading) {
        List<Tool> offer = available().stream().filter(tool -> !onlyReading || !tool.mayChange()).toList();
        offered = offer.stream().map(Tool::name).collect(Collectors.toUnmodifiableSet());
        callsOfMessage.set(0);
        return offer;
    }

    @Override
    public void onStop(Runnable stop) {
        stopRegistry.accept(stop);
    }

    @Override
    public Uni<Long> outputAllowance(long promptTokens, long maxOutput) {
        return Uni.createFrom().deferred(() -> reply.callAllowance(promptTokens, maxOutput))
                .chain(allowed -> allowed < 1 ? RunTools.<Long>stopped() : Uni.createFrom().item(allowed))
                .runSubscriptionOn(command -> context.runOnContext(ignored -> command.run()));
    }

    @Override
    public Uni<List<String>> steered() {
        // the last model call's usage goes with it (the agent's next write; often the last before its end)
        return Uni.createFrom().deferred(() -> reply.withHeldUsage(lastCall -> steered.takeIn(reply.claimed().run(), lastCall)))
                .chain(messages -> messages == null ? RunTools.<List<String>>stopped() : Uni.createFrom().item(messages))
                .runSubscriptionOn(command -> context.runOnContext(ignored -> command.run()));
    }

    @Override
    public Uni<ToolResult> call(String callId, String name, JsonNode arguments) {
        ClaimedRun claimed = reply.claimed();
        Set<String> offeredNow = offered;
        // the model may ask for any name: only a tool it was offered for this call is made
        Tool tool = offeredNow == null || offeredNow.contains(name) ? availableNamed(name) : null;
        String refusal = tool == null ? notOffered(redactor.text(name))
                : overLimit(callsOfMessage.incrementAndGet(), callsOfRun.incrementAndGet());
        // what the model asked is recorded (and shown, and asked about) without the run's secrets
        JsonNode shown = redactor.tree(arguments);
        return Uni.createFrom().deferred(() -> reply.beforeCall()
                .chain(goOn -> goOn ? log.recordCall(claimed.run(), redactor.text(callId), redactor.text(name), shown)
                        : Uni.createFrom().<ToolCall>nullItem())
                .chain(call -> {
                    if (call == null) {
                        return stopped();
                    }
                    if (refusal != null) {
                        return refused(call, refusal);
                    }
                    if (tools.needsApproval(tool, arguments, claimed.approvalMode())) {
                        return approvals.suspend(claimed.run(), null, Approval.TOOL_CALL,
                                "May the agent call " + call.name + " with " + shown + "?", call.id).chain(suspended -> stopped());
                    }
                    return run(call, arguments).chain(result -> result == null ? stopped() : Uni.createFrom().item(result));
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
        for (ToolCall call : reply.claimed().unsettled()) {
            settled = settled.chain(goOn -> goOn ? settle(call) : Uni.createFrom().item(false));
        }
        return settled;
    }

    private Uni<Boolean> settle(ToolCall call) {
        Approval approval = reply.claimed().approvalOf(call);
        if (approval != null && approval.isApproved() && Approval.TOOL_CALL.equals(approval.approvalType)) {
            return (availableNamed(call.name) == null ? refused(call, notOffered(call.name)) : run(call, Transcript.arguments(call.arguments)))
                    .map(result -> result != null);
        }
        return log.recordResult(reply.claimed().run(), call, resultWithoutCall(approval), 0);
    }

    /** The result of a call that is not made: interrupted, answered by the user, or refused by them. */
    private static ToolResult resultWithoutCall(Approval approval) {
        if (approval == null) {
            return ToolResult.failed("this call was interrupted (the run's worker stopped) before its result was recorded;"
                    + " it was not made again, and whether it took effect is unknown");
        }
        if (Approval.QUESTION.equals(approval.approvalType)) {
            return ToolResult.ok(approval.isApproved()
                    ? "The user answered: " + (approval.instructions() == null ? "yes" : approval.instructions())
                    : "The user declined to answer." + (approval.instructions() == null ? "" : " They said: " + approval.instructions()));
        }
        return ToolResult.failed("the user did not approve this call"
                + (approval.instructions() == null ? "" : "; they said: " + approval.instructions()));
    }

    /** The tool of that name the run may use at all, or null. */
    private Tool availableNamed(String name) {
        return available().stream().filter(candidate -> candidate.name().equals(name)).findFirst().orElse(null);
    }

    /** Makes a recorded call and records its result; null once the run stopped. */
    private Uni<ToolResult> run(ToolCall call, JsonNode arguments) {
        long started = System.nanoTime();
        return tools.call(call.name, arguments, secretValues, secretHosts, redactor::output)
                .emitOn(command -> context.runOnContext(ignored -> command.run()))
                .chain(made -> log.recordResult(reply.claimed().run(), call, made, (System.nanoTime() - started) / 1_000_000)
                        .map(recorded -> recorded ? made : null));
    }

    /** Records that a recorded call was not made, and why (the model sees it as the call's failed result); null once the run stopped. */
    private Uni<ToolResult> refused(ToolCall call, String reason) {
        ToolResult result = ToolResult.failed(reason);
        return log.recordResult(reply.claimed().run(), call, result, 0).map(recorded -> recorded ? result : null);
    }

    private static String notOffered(String name) {
        return "no tool named " + name + " is available to this run now (not offered: the run's mode, permissions,"
                + " integrations or plan phase exclude it); it was not called";
    }

    /** Why a call past the run's bounds is not made, or null when it is within them. */
    private String overLimit(int ofMessage, int ofRun) {
        if (ofMessage > limits.maxCallsPerMessage()) {
            return "not called: one model message may ask for at most " + limits.maxCallsPerMessage() + " tool calls";
        }
        if (ofRun > limits.maxCallsPerRun()) {
            return "not called: this run made its most tool calls (" + limits.maxCallsPerRun() + "); answer with what you have";
        }
        return null;
    }

    private static <T> Uni<T> stopped() {
        return Uni.createFrom().failure(new AgentRuntime.RunStopped());
    }
}
