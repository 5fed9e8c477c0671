package dev.relay.stream.domain;

/** Where a task's log ends: its last seq (0 when it has none), and whether its last run has ended. */
public record LogEnd(long lastSeq, boolean runEnded) {
}
