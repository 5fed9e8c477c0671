package dev.relay.common.event;

import io.smallrye.mutiny.Uni;

/**
 * Told of every task event the moment it is appended, in the transaction that appends it, so what it writes commits
 * or rolls back with the event. A listener ignores the types it has no use for without touching the database. The
 * deltas of a streaming reply ({@code message.delta}) are the exception: each is appended in one statement of its
 * own, without a transaction a listener could join, and no listener is told of them.
 */
public interface TaskEventListener {

    /** {@code taskReceiver}: the URL the task asked its own lifecycle messages to go to, or null. */
    Uni<Void> appended(TaskEvent event, String taskReceiver);
}
