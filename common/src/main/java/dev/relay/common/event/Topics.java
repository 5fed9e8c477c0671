package dev.relay.common.event;

import java.util.Set;

/**
 * Every Kafka topic Relay uses. An incoming channel is named after its topic; a second reader of the same topic in
 * one service adds its role ({@code task-events-live}). Each consumer group has a dead-letter topic of its own,
 * {@link #deadLetter}: a record it can never process waits there for that consumer alone (the others of the topic
 * have processed it, or put it on theirs).
 */
public final class Topics {

    /** Every task event ({@link TaskEvent}), keyed by task id. Produced by the task service. */
    public static final String TASK_EVENTS = "task-events";

    /** API keys created and revoked ({@link ApiKeyChanged}), keyed by key id; compacted. Produced by the task service. */
    public static final String API_KEYS = "api-keys";

    /** Run requests ({@link RunRequested}), keyed by task id. Produced and consumed by the task service. */
    public static final String TASK_RUNS = "task-runs";

    /**
     * Due firings of schedules ({@link ScheduleFired}), keyed by task id. Produced by the schedule service, consumed
     * by the task service (which starts the run, once per execution id).
     */
    public static final String TASK_TRIGGERS = "task-triggers";

    /**
     * Schedules asked for by task creates ({@link ScheduleRequested}), keyed by task id. Produced by the task
     * service, consumed by the schedule service.
     */
    public static final String SCHEDULE_REQUESTS = "schedule-requests";

    /**
     * What became of schedules' triggers ({@link ScheduledRunReported}: run started, ended, or not started), keyed by
     * schedule id. Produced by the task service, consumed by the schedule service.
     */
    public static final String SCHEDULE_RUNS = "schedule-runs";

    /**
     * The state of each schedule after every change ({@link ScheduleChanged}), keyed by schedule id; compacted.
     * Produced by the schedule service, consumed by the task service (its {@code schedule_info}).
     */
    public static final String SCHEDULE_UPDATES = "schedule-updates";

    /**
     * Where each organization's Neo-token budget stands ({@link BudgetStateChanged}), keyed by organization; compacted.
     * Produced by the billing service, consumed by the task service (which admits runs against it).
     */
    public static final String BUDGET_STATES = "budget-states";

    /** The topics that hold the latest state per key: compacted, kept for ever (infra/k8s declares them so). */
    public static final Set<String> COMPACTED = Set.of(API_KEYS, SCHEDULE_UPDATES, BUDGET_STATES);

    /**
     * Where consumer group {@code group} puts a record of {@code topic} that it can never process:
     * {@code <topic>.<group>.dlq} (each channel's {@code dead-letter-queue.topic}; infra/k8s declares every one).
     */
    public static String deadLetter(String topic, String group) {
        return topic + "." + group + ".dlq";
    }

    private Topics() {
    }
}
