package dev.relay.stream.sse;

import java.util.UUID;

/**
 * Where a stream starts: the seq to stream after, the seq it must send before it may end (0 for none), whether
 * the stored log's last run ended when the stream was opened (what a resume position the log never showed falls back
 * to), and the run whose last event it must send before it may end (null for none).
 */
public record StreamFrom(long after, long through, boolean runEndedAtOpen, UUID untilRun) {
}
