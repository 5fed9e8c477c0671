package dev.relay.common.lifecycle;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Skips a periodic pass ({@code skipExecutionIf = StartingOrStopping.class}) until every start-up observer has run,
 * the checks that refuse an unsafe production start included, and again once the application is stopping: a pass
 * that starts while the database pool closes fails and logs an error for nothing. Quarkus's
 * {@code ApplicationNotRunning} lets passes run once its own start-up observer ran, in no set order with the
 * application's. A pass whose first execution does start-up work does it at start-up itself (the MCP servers' first
 * tool read): the scheduler's first execution of a pass falls before the end of the start and is skipped here.
 */
@Singleton
public class StartingOrStopping implements Scheduled.SkipPredicate {

    private volatile boolean started;
    private volatile boolean stopping;

    void onStarted(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) StartupEvent event) {
        started = true;
    }

    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        stopping = true;
    }

    /** Whether the start has finished and the shutdown not begun: for work a pass goes on with, or that wakes itself. */
    public boolean isRunning() {
        return started && !stopping;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !isRunning();
    }
}
