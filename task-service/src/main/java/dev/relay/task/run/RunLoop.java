package dev.relay.task.run;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.relay.task.agent.AgentRuntime;
import dev.relay.task.agent.AgentRuntime.Output;
import dev.relay.task.agent.Answer;
import dev.relay.task.agent.RuntimeConfig;
import dev.relay.task.agent.ToolsConfig;
import dev.relay.task.agent.tools.ToolRegistry;
import dev.relay.task.secrets.Redactor;
import dev.relay.task.secrets.SecretVault;
import dev.relay.task.task.Approval;
import dev.relay.task.task.TaskRun;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * One claimed run worked to its end with the agent: its calls settled first, then the agent's output taken as it
 * comes (text, usage, tool calls) until it completes the run or suspends it on a question.
 */
@ApplicationScoped
class RunLoop {

    private static final Logger LOG = Logger.getLogger(RunLoop.class);

    private static final String ASK_QUESTION = "ask_question";

    private final AgentRuntime agent;
    private final RuntimeConfig config;
    private final ToolRegistry tools;
    private final SecretVault secrets;
    private final ReplyWriter replies;
    private final RunUsage usage;
    private final RunEndings endings;
    private final RunApprovals approvals;
    private final ToolCallLog toolCalls;
    private final ToolsConfig toolLimits;
    private final SteeredMessages steered;
    private final DeltaPacing pacing;

    RunLoop(AgentRuntime agent, RuntimeConfig config, ToolRegistry tools, SecretVault secrets, ReplyWriter replies, RunUsage usage,
            RunEndings endings, RunApprovals approvals, ToolCallLog toolCalls, ToolsConfig toolLimits, SteeredMessages steered,
            DeltaPacing pacing) {
        this.steered = steered;
        this.pacing = pacing;
        this.agent = agent;
        this.config = config;
        this.tools = tools;
        this.secrets = secrets;
        this.replies = replies;
        this.usage = usage;
        this.endings = endings;
        this.approvals = approvals;
        this.toolCalls = toolCalls;
        this.toolLimits = toolLimits;
    }

    /** Works the run on {@code context}; {@code stopRegistry} is told how to stop its agent at once. */
    Uni<Void> work(ClaimedRun claimed, Context context, Consumer<Runnable> stopRegistry) {
        return secrets.resolveBound(claimed.holder().org(), claimed.holder().user(), claimed.secretNames()).chain(bound -> {
            Map<String, String> resolved = new HashMap<>();
            Map<String, List<String>> hosts = new HashMap<>();
            bound.forEach((name, secret) -> {
                resolved.put(name, secret.value());
                hosts.put(name, secret.hosts());
            });
            // every text the run's tools and model produce is redacted with its secrets before anyone sees it
            Redactor redactor = Redactor.of(resolved.values());
            ReplyBuffer reply = new ReplyBuffer(claimed, replies, usage, pacing, config.budgetCheckInterval(), redactor);
            Runnable written = pacing.begin();
            return reply.stopIfBudgetUsedUp().chain(stopped -> {
                if (stopped) {
                    return Uni.createFrom().voidItem();
                }
                RunTools runTools = new RunTools(reply, tools, toolCalls, approvals, resolved, hosts, redactor, context, stopRegistry,
                        toolLimits, steered);
                return runTools.settle().chain(goOn -> goOn ? follow(reply, runTools, context) : Uni.createFrom().voidItem());
            }).onTermination().invoke(written);
        });
    }

    /**
     * Takes the agent's output as it comes, on the run's own context, one output at a time, each step done before the
     * next is asked for: a tool call (which the agent makes while producing output) never uses the run's database
     * session with a step. Stops asking the agent for more (which closes a provider's stream) once a step finds the
     * run no longer active or the agent done.
     */
    private Uni<Void> follow(ReplyBuffer reply, RunTools runTools, Context context) {
        ClaimedRun claimed = reply.claimed();
        Approval answered = claimed.answer();
        Answer answer = answered == null ? null : new Answer(answered.isApproved(), answered.instructions());
        return agent.run(Transcript.turns(claimed.messages(), claimed.calls()), claimed.run().runConfig, answer, runTools)
                .onItem().transformToUni(output -> Uni.createFrom().deferred(() -> step(reply, output))
                        .runSubscriptionOn(command -> context.runOnContext(ignored -> command.run())))
                // an agent's failure waits for the step in progress: a transaction is never cut off half-way
                .collectFailures().concatenate()
                .skip().where(goOn -> goOn)
                .toUni().replaceWithVoid()
                // a run that fails still reports what its last model call used (a stopped run ended already: it cannot)
                .onFailure(failure -> !(failure instanceof AgentRuntime.RunStopped)).call(failure -> Uni.createFrom().deferred(reply::reportUsage)
                        .runSubscriptionOn(command -> context.runOnContext(ignored -> command.run()))
                        .onFailure().invoke(lost -> LOG.errorf(lost, "the last model call's usage of run %s could not be reported",
                                reply.claimed().run().id))
                        .onFailure().recoverWithItem(false));
    }

    /** Handles one piece of output; answers whether the run goes on. */
    private Uni<Boolean> step(ReplyBuffer reply, Output output) {
        TaskRun run = reply.claimed().run();
        if (output instanceof Output.Text text) {
            return reply.add(text.delta());
        }
        if (output instanceof Output.Usage used) {
            // the text so far goes first; the usage waits for the run's next write, or goes with its end
            return reply.flush().invoke(goOn -> reply.used(used));
        }
        AgentRuntime.Question asked = ((Output.Finished) output).question();
        AgentRuntime.Question question = asked == null ? null
                : new AgentRuntime.Question(reply.redactor().text(asked.text()), asked.callId());
        Uni<Boolean> ended;
        if (question == null) {
            ended = reply.flush().chain(goOn -> goOn ? reply.withHeldUsage(lastCall -> endings.complete(run, reply.messageId(), lastCall))
                    : Uni.createFrom().item(false));
        } else if (question.callId() == null) {
            ended = reply.flush().chain(goOn -> goOn ? reply.reportUsage() : Uni.createFrom().item(false))
                    .chain(goOn -> goOn ? approvals.suspend(run, reply.messageId(), Approval.GENERAL, question.text(), null)
                            : Uni.createFrom().item(false));
        } else {
            ended = reply.beforeCall().chain(goOn -> goOn ? toolCalls.recordCall(run, question.callId(), ASK_QUESTION,
                            JsonNodeFactory.instance.objectNode().put("question", question.text())) : Uni.createFrom().<ToolCall>nullItem())
                    .chain(call -> call == null ? Uni.createFrom().item(false)
                            : approvals.suspend(run, null, Approval.QUESTION, question.text(), call.id));
        }
        return ended.replaceWith(false);
    }
}
