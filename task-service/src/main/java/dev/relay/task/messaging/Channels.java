package dev.relay.task.messaging;

/** Messaging channel names, shared by code, configuration and tests. */
public final class Channels {

    /** Outgoing: every outbox record; each record names its own topic. */
    public static final String OUTBOX = "outbox";
    /** Incoming: run requests from the {@value #TASK_RUNS_TOPIC} topic. */
    public static final String RUN_REQUESTS = "run-requests";
    /** Run requests, keyed by task id; produced and consumed by this service only. */
    public static final String TASK_RUNS_TOPIC = "task-runs";

    private Channels() {
    }
}
