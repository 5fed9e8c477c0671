package dev.relay.task.run;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.relay.common.reactive.OnOwnContext;
import dev.relay.task.task.RunRequestCommitted;
import io.vertx.core.Vertx;

/**
 * Starts a run the moment its request commits on this instance, when this instance has room, so that its start never
 * waits behind another tenant's burst of requests in {@code task-runs}; the claim decides as any other (a run whose
 * organization works its limit is held back and waits its turn). The request's record still comes and finds the run
 * taken, or starts it if this did not (the instance stopped, the claim failed). The run keeps the request's trace.
 */
@ApplicationScoped
class ImmediateStarts {

    private static final Logger LOG = Logger.getLogger(ImmediateStarts.class);

    private final RunExecutor executor;
    private final Vertx vertx;

    ImmediateStarts(RunExecutor executor, Vertx vertx) {
        this.executor = executor;
        this.vertx = vertx;
    }

    void committed(@Observes RunRequestCommitted committed) {
        if (executor.room() <= 0) {
            return;
        }
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
        // a context of its own, which serves this start only: the trace made current there is never closed
        OnOwnContext.run(vertx, () -> {
            trace.makeCurrent();
            return executor.start(committed.taskId(), committed.streamId());
        }).subscribe().with(started -> LOG.debugf("run %s started at once: %s", committed.streamId(), started),
                failure -> LOG.debugf(failure, "run %s not started at once (its request's record starts it)", committed.streamId()));
    }
}
