package dev.relay.common.lifecycle;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Skips a periodic pass once the application is stopping ({@code skipExecutionIf = ApplicationStopping.class}): a
 * pass that starts while the database pool closes fails and logs an error for nothing. Unlike Quarkus's
 * {@code ApplicationNotRunning} it does not skip the passes that fall before the start has finished, so a pass whose
 * first execution does the start's work (the MCP servers' first tool read) is not put off by a whole interval.
 */
@Singleton
public class ApplicationStopping implements Scheduled.SkipPredicate {

    private volatile boolean stopping;

    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        stopping = true;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return stopping;
    }
}
