package dev.relay.billing.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.billing.domain.UsageReport;
import dev.relay.billing.repository.UsageRepository;
import io.smallrye.mutiny.Uni;

/**
 * Counts usage exactly once: each report is a ledger row keyed by its event id, written in one statement per batch,
 * so redelivery, a restart or a replay of the whole topic inserts nothing twice. Tokens are priced in Neo tokens by
 * the model's input and output weights.
 */
@ApplicationScoped
public class Metering {

    private final UsageRepository usage;
    private final BudgetPublisher publisher;

    public Metering(UsageRepository usage, BudgetPublisher publisher) {
        this.usage = usage;
        this.publisher = publisher;
    }

    /**
     * Records a batch of reports (and marks the budgets they count against for a new published state, see
     * {@link BudgetPublisher#publishPending}); answers how many were new.
     */
    public Uni<Integer> record(List<UsageReport> reports) {
        if (reports.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return usage.recordAll(reports);
    }

    /** The Neo tokens a model's input and output tokens cost: weighted, rounded up. */
    public long neoTokens(String model, long inputTokens, long outputTokens) {
        return publisher.pricing().neoTokens(model, inputTokens, outputTokens);
    }
}
