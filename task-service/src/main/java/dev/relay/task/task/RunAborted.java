package dev.relay.task.task;

import java.util.UUID;

/** A CDI event: run {@code streamId} was cancelled and its cancel committed; the instance working it stops it at once. */
public record RunAborted(UUID streamId) {
}
