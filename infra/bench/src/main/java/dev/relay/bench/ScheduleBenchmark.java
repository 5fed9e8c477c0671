package dev.relay.bench;

import java.time.Duration;

/**
 * Many one-time jobs due at the same instant, fired by db-scheduler and by Relay's schedule service on the same
 * PostgreSQL. Prints, per system: time from the due instant until all fired, firings/s over that time, lag behind
 * the due time p50/p99/max, and duplicates. A firing is, for db-scheduler, its no-op task running; for Relay, the
 * trigger published on task-triggers (the Kafka record's timestamp).
 * <ul>
 * <li>{@code dbscheduler JDBC_URL USER COUNT INSTANCES THREADS}: db-scheduler in lock-and-fetch mode, 1 s polling;</li>
 * <li>{@code relay JDBC_URL USER BOOTSTRAP COUNT LABEL}: schedules asked for on schedule-requests as task creates do,
 * then all moved to one due instant.</li>
 * </ul>
 * A run in which a job did not fire, or fired twice, prints why on stderr and exits 1 instead of figures.
 */
public final class ScheduleBenchmark {

    /** From moving the jobs to their due instant until it comes. */
    static final Duration LEAD = Duration.ofSeconds(3);
    /** How long after the due instant all jobs must have fired. */
    static final Duration BOUND = Duration.ofSeconds(180);
    /** How long a load goes on watching after its last job fired, for a second firing. */
    static final Duration QUIET = Duration.ofSeconds(2);

    private ScheduleBenchmark() {
    }

    public static void main(String[] args) {
        Command.exitAfter(() -> run(args));
    }

    /** One mode, without exiting: what main and the tiny-scale test run. */
    static void run(String... args) throws Exception {
        switch (args[0]) {
            case "dbscheduler" -> DbSchedulerLoad.run(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            case "relay" -> new RelayScheduleLoad(args[1], args[2], args[3], args[5]).run(Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
