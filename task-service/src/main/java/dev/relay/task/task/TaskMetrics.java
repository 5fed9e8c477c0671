package dev.relay.task.task;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

import dev.relay.common.error.ApiException;
import dev.relay.task.budgets.BudgetScope;

/** The task service's own metrics (README, "Operators"): creates by outcome, runs in progress and ended, budget refusals. */
@Startup
@ApplicationScoped
public class TaskMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger runsExecuting = new AtomicInteger();

    public TaskMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("relay.runs.active", runsExecuting, AtomicInteger::get)
                .description("Runs this instance's runtime is executing").register(registry);
        // every known series exists from the start, at 0, so dashboards and alerts see it before it first moves
        for (String outcome : List.of("started", "budget_refused", "conflict", "not_found", "rejected", "failed")) {
            registry.counter("relay.task.creates", "outcome", outcome);
        }
        for (RunStatus status : List.of(RunStatus.COMPLETED, RunStatus.ERROR, RunStatus.ABORTED)) {
            registry.counter("relay.runs.ended", "status", status.value());
        }
        for (BudgetScope scope : BudgetScope.values()) {
            registry.counter("relay.budget.refusals", "code", scope.refusalCode(), "source", "create");
            registry.counter("relay.budget.refusals", "code", scope.refusalCode(), "source", "schedule");
        }
    }

    /** A create (Neo or agents API, a new task or a follow-up) answered: started, or why not. */
    public void created(Throwable failure) {
        registry.counter("relay.task.creates", "outcome", outcome(failure)).increment();
    }

    public void runStarted() {
        runsExecuting.incrementAndGet();
    }

    public void runLeft() {
        runsExecuting.decrementAndGet();
    }

    public void runEnded(RunStatus status) {
        registry.counter("relay.runs.ended", "status", status.value()).increment();
    }

    /** A run the budget had no room for; {@code source} is {@code create} or {@code schedule}. */
    public void budgetRefused(String code, String source) {
        registry.counter("relay.budget.refusals", "code", code, "source", source).increment();
    }

    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "started";
        }
        if (failure instanceof ApiException refusal) {
            return switch (refusal.status()) {
                case 402 -> "budget_refused";
                case 409 -> "conflict";
                case 404 -> "not_found";
                default -> "rejected";
            };
        }
        return "failed";
    }
}
