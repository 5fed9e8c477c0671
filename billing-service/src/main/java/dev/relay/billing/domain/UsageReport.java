package dev.relay.billing.domain;

import java.time.Instant;
import java.util.UUID;

/** One usage report of a run, priced in Neo tokens: the ledger's row, unique by its event id. */
public record UsageReport(
        UUID eventId,
        String org,
        String userEmail,
        String projectId,
        UUID taskId,
        UUID runId,
        String model,
        long inputTokens,
        long outputTokens,
        long neoTokens,
        Instant reportedAt) {
}
