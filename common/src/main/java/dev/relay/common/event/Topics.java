package dev.relay.common.event;

/** Kafka topics shared between services; each messaging channel is named after its topic. */
public final class Topics {

    /** Every task event ({@link TaskEvent}), keyed by task id. Produced by the task service. */
    public static final String TASK_EVENTS = "task-events";

    /** API keys created and revoked ({@link ApiKeyChanged}), keyed by key id; compacted. Produced by the task service. */
    public static final String API_KEYS = "api-keys";

    private Topics() {
    }
}
