package dev.relay.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.billing.domain.UsageReport;
import dev.relay.billing.repository.UsageRepository;
import dev.relay.testsupport.RelayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Usage metered while a publication of the same organization is under way (its state's sum possibly read before the
 * usage committed) leaves the organization due for another state, so the usage is never left out of every state.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class MeteringDuringPublicationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    UsageRepository usage;

    @Test
    void usageMeteredWhileAPublicationClearsTheMarkIsMarkedAgain() throws Exception {
        String org = "race-" + UUID.randomUUID().toString().substring(0, 8);
        pool.preparedQuery("INSERT INTO billing.budget_publication (org, version, pending) VALUES ($1, 4, true)")
                .execute(Tuple.of(org)).await().atMost(WAIT);

        // a publication takes the next version and clears the mark, as BudgetPublisher does, and has not committed yet
        SqlConnection publication = pool.getConnection().await().atMost(WAIT);
        try {
            Transaction transaction = publication.begin().await().atMost(WAIT);
            publication.preparedQuery("UPDATE billing.budget_publication SET version = version + 1, pending = false WHERE org = $1")
                    .execute(Tuple.of(org)).await().atMost(WAIT);

            CompletableFuture<Integer> metered = usage.recordAll(List.of(new UsageReport(UUID.randomUUID(), org, "bob@" + org + ".dev",
                    null, UUID.randomUUID(), UUID.randomUUID(), "sonnet-4.6", 1000, 0, 1000, Instant.now())))
                    .subscribeAsCompletionStage();
            // the metering waits for the publication's lock instead of reading its old mark and passing by
            Thread.sleep(300);
            assertThat(metered).isNotDone();

            transaction.commit().await().atMost(WAIT);
            assertThat(metered.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            publication.close().await().atMost(WAIT);
        }

        boolean pending = pool.preparedQuery("SELECT pending FROM billing.budget_publication WHERE org = $1").execute(Tuple.of(org))
                .await().atMost(WAIT).iterator().next().getBoolean("pending");
        assertThat(pending).as("the organization is due for a state that counts the usage").isTrue();
    }
}
