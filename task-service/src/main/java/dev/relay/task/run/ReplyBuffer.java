package dev.relay.task.run;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.relay.task.agent.AgentRuntime.Output;
import dev.relay.task.secrets.Redactor;
import io.smallrye.mutiny.Uni;

/**
 * The assistant message a run is streaming: the text held back for the next delta, when the last one went, and when
 * the run's budget was last checked. One per run, used on the run's own context only.
 */
final class ReplyBuffer {

    private final ClaimedRun claimed;
    private final ReplyWriter replies;
    private final RunUsage usage;
    private final DeltaPacing pacing;
    private final Duration budgetCheckInterval;
    private final Redactor redactor;
    private final StringBuilder held = new StringBuilder();
    private UUID messageId = UUID.randomUUID();
    private boolean first = true;
    private long lastSent;
    private long lastBudgetCheck;
    /** The tokens (input and output) the run's model calls used so far, its earlier attempts included. */
    private long runTokens;
    /** Completes once the write carrying the held usage ({@link #withHeldUsage}), if one is under way, is done. */
    private CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);
    /**
     * The usage of the run's last model call while not reported yet: reported before the run writes anything else,
     * or taken along by the run's end (one transaction fewer for the call that ends most runs).
     */
    private Output.Usage heldUsage;
    /** Whether the organization had a budget when the run last checked (its calls reserve only then). */
    private boolean budgeted = true;

    ReplyBuffer(ClaimedRun claimed, ReplyWriter replies, RunUsage usage, DeltaPacing pacing, Duration budgetCheckInterval,
            Redactor redactor) {
        this.claimed = claimed;
        this.replies = replies;
        this.usage = usage;
        this.pacing = pacing;
        this.budgetCheckInterval = budgetCheckInterval;
        this.redactor = redactor;
        this.runTokens = claimed.run().inputTokens + claimed.run().outputTokens;
    }

    /** Holds what a model call of the run used until the run's next write; counted for its {@code max_tokens} at once. */
    void used(Output.Usage usage) {
        runTokens += usage.inputTokens() + usage.outputTokens();
        heldUsage = usage;
    }

    /**
     * Reports the held usage of the last model call, if any, in a transaction of its own. Answers whether the run goes
     * on.
     */
    Uni<Boolean> reportUsage() {
        return withHeldUsage(held -> held == null ? Uni.createFrom().item(true) : usage.report(claimed.run(), held));
    }

    /**
     * Runs {@code write} with the held usage of the last model call (null: none), which it must report in its
     * transaction; once it succeeded the usage is no longer held (a write that found the run ended drops it: no report
     * of an ended run is taken), and when it failed the usage is still held, for the run's failure to report. One such
     * write at a time: a later one waits for the one under way.
     */
    <T> Uni<T> withHeldUsage(Function<Output.Usage, Uni<T>> write) {
        CompletableFuture<Void> before = settled;
        if (heldUsage == null && before.isDone()) {
            // nothing held and nothing under way (every delta comes here)
            return write.apply(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        settled = done;
        return Uni.createFrom().completionStage(before).chain(() -> {
            Output.Usage held = heldUsage;
            return write.apply(held).invoke(() -> {
                if (heldUsage == held) {
                    heldUsage = null;
                }
            });
        }).eventually(() -> done.complete(null));
    }

    /** The run's redactor: its secrets, in every form, out of what the run shows. */
    Redactor redactor() {
        return redactor;
    }

    ClaimedRun claimed() {
        return claimed;
    }

    /** The message being written (null-safe: a run that wrote nothing still has an id nobody used). */
    UUID messageId() {
        return messageId;
    }

    /** Holds {@code text} back; sends what is held when a delta is due (the first at once, then as {@link DeltaPacing} says). */
    Uni<Boolean> add(String text) {
        held.append(text);
        boolean due = first || System.nanoTime() - lastSent >= pacing.intervalNanos();
        return due ? send(false) : Uni.createFrom().item(true);
    }

    /** Sends what is held and completes the message before a tool call: text after the call is a new message. */
    Uni<Boolean> beforeCall() {
        return reportUsage().chain(reported -> reported ? flush() : Uni.createFrom().item(false)).chain(goOn -> {
            if (!goOn || first) {
                return Uni.createFrom().item(goOn);
            }
            UUID written = messageId;
            messageId = UUID.randomUUID();
            first = true;
            return replies.close(claimed.run(), written);
        });
    }

    /** Sends what is held as one delta (the model's text for now is complete); answers whether the run goes on. */
    Uni<Boolean> flush() {
        return send(true);
    }

    /**
     * Sends what is held, redacted, as one delta. Unless {@code complete}, the end of the text that may be the start
     * of a secret the next delta completes stays held (a secret split across two deltas never goes out in parts).
     */
    private Uni<Boolean> send(boolean complete) {
        String text = redactor.whole(held.toString());
        held.setLength(0);
        String chunk;
        if (complete) {
            chunk = redactor.text(text);
        } else {
            int pending = redactor.pending(text);
            chunk = text.substring(0, text.length() - pending);
            held.append(text, text.length() - pending, text.length());
        }
        if (chunk.isEmpty()) {
            return Uni.createFrom().item(true);
        }
        boolean creates = first;
        first = false;
        lastSent = System.nanoTime();
        boolean checkDue = lastSent - lastBudgetCheck >= budgetCheckInterval.toNanos();
        // the last model call's usage goes before the text that follows it
        return reportUsage().chain(reported -> !reported ? Uni.createFrom().item(false)
                : (checkDue ? stopIfBudgetUsedUp() : Uni.createFrom().item(false)).chain(stopped -> stopped ? Uni.createFrom().item(false)
                        : replies.delta(claimed, messageId, chunk, creates)));
    }

    /**
     * Sends what is held, then reserves the budget of the next model call: how many output tokens it may produce, at
     * most {@code maxOutput} (0: none, the run was stopped).
     */
    Uni<Long> callAllowance(long promptTokens, long maxOutput) {
        // the previous call's usage is settled first: its reservation is what this call's replaces
        return reportUsage().chain(reported -> reported ? flush() : Uni.createFrom().item(false))
                .chain(goOn -> goOn ? usage.allowCall(claimed, promptTokens, maxOutput, runTokens, budgeted) : Uni.createFrom().item(0L));
    }

    /**
     * A run stops once a limit of its budget is used up: checked when it starts and then before a delta at most every
     * {@code relay.runtime.budget-check-interval}, not at every delta (the hot path).
     */
    Uni<Boolean> stopIfBudgetUsedUp() {
        lastBudgetCheck = System.nanoTime();
        return usage.stopIfBudgetUsedUp(claimed).map(check -> {
            budgeted = check.budgeted();
            return check.exhausted() != null;
        });
    }
}
