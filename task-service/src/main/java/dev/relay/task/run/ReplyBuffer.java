package dev.relay.task.run;

import java.time.Duration;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * The assistant message a run is streaming: the text held back for the next delta, when the last one went, and when
 * the run's budget was last checked. One per run, used on the run's own context only.
 */
final class ReplyBuffer {

    private final ClaimedRun claimed;
    private final ReplyWriter replies;
    private final RunUsage usage;
    private final Duration deltaInterval;
    private final Duration budgetCheckInterval;
    private final StringBuilder held = new StringBuilder();
    private UUID messageId = UUID.randomUUID();
    private boolean first = true;
    private long lastSent;
    private long lastBudgetCheck;

    ReplyBuffer(ClaimedRun claimed, ReplyWriter replies, RunUsage usage, Duration deltaInterval, Duration budgetCheckInterval) {
        this.claimed = claimed;
        this.replies = replies;
        this.usage = usage;
        this.deltaInterval = deltaInterval;
        this.budgetCheckInterval = budgetCheckInterval;
    }

    ClaimedRun claimed() {
        return claimed;
    }

    /** The message being written (null-safe: a run that wrote nothing still has an id nobody used). */
    UUID messageId() {
        return messageId;
    }

    /** Holds {@code text} back; sends what is held when a delta is due (the first at once, then one per interval). */
    Uni<Boolean> add(String text) {
        held.append(text);
        boolean due = first || System.nanoTime() - lastSent >= deltaInterval.toNanos();
        return due ? flush() : Uni.createFrom().item(true);
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
            return replies.close(claimed.run(), written);
        });
    }

    /** Sends what is held as one delta; answers whether the run goes on. */
    Uni<Boolean> flush() {
        if (held.isEmpty()) {
            return Uni.createFrom().item(true);
        }
        String chunk = held.toString();
        held.setLength(0);
        boolean creates = first;
        first = false;
        lastSent = System.nanoTime();
        boolean checkDue = lastSent - lastBudgetCheck >= budgetCheckInterval.toNanos();
        return (checkDue ? stopIfBudgetUsedUp() : Uni.createFrom().item(false)).chain(stopped -> stopped ? Uni.createFrom().item(false)
                : replies.delta(claimed.run(), messageId, chunk, creates));
    }

    /**
     * A run stops once a limit of its budget is used up: checked when it starts and then before a delta at most every
     * {@code relay.runtime.budget-check-interval}, not at every delta (the hot path).
     */
    Uni<Boolean> stopIfBudgetUsedUp() {
        lastBudgetCheck = System.nanoTime();
        return usage.stopIfBudgetUsedUp(claimed);
    }
}
