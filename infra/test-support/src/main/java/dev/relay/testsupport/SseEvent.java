package dev.relay.testsupport;

/** One Server-Sent Event as a client receives it. */
public record SseEvent(String id, String event, String data) {
}
