package dev.relay.stream.sse;

/**
 * Where a stream starts: the seq to stream after, the seq it must send before it may end (0 for none), and whether
 * the stored log's last run ended when the stream was opened (what a resume position the log never showed falls back
 * to).
 */
public record StreamFrom(long after, long through, boolean runEndedAtOpen) {
}
