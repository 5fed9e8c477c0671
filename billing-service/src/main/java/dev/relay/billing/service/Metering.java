package dev.relay.billing.service;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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
     * Records a batch of reports and then publishes the new state of the budgets they count against; answers how
     * many were new. The state is published whether or not the reports were new, so a batch delivered again after a
     * crash between the two steps still publishes it.
     */
    public Uni<Integer> record(List<UsageReport> reports) {
        if (reports.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Set<String> orgs = reports.stream().map(UsageReport::org).collect(Collectors.toSet());
        return usage.recordAll(reports).call(() -> publisher.publishAfterMetering(orgs));
    }

    /** The Neo tokens a model's input and output tokens cost: weighted, rounded up. */
    public long neoTokens(String model, long inputTokens, long outputTokens) {
        return publisher.pricing().neoTokens(model, inputTokens, outputTokens);
    }
}
