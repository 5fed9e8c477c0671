package dev.relay.task.agent;

/** The user's answer to a confirmation the agent asked for: approved or not, and what they said. */
public record Answer(boolean approved, String instructions) {
}
