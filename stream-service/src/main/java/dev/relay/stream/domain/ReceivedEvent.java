package dev.relay.stream.domain;

import dev.relay.common.event.TaskEvent;

/** A task event as it came off the topic: its parsed header and the envelope exactly as received. */
public record ReceivedEvent(TaskEvent event, String envelope) {
}
