package dev.relay.task.webhooks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.task.OnVertxContext;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Instances that look for due webhook messages at the same time never take the same one: each message is leased to
 * one of them, and taken again only once its lease has run out (its instance died). Three instances' looks, side by
 * side, against one table; the messages are due a day from now, so this service's own dispatcher leaves them alone,
 * and the looks leave out the organizations of the other tests' messages (as an instance leaves out those it is
 * sending to), whose messages are due by then too.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class WebhookLeaseTest {

    private static final int ORGS = 6;
    private static final int PER_ORG = 50;

    @Inject
    WebhookDeliveryRepository deliveries;
    @Inject
    Pool pool;
    @Inject
    Vertx vertx;

    @Test
    void instancesLookingAtOnceEachTakeOtherMessagesAndALeasedMessageIsTakenAgainOnlyAfterItsLease() throws Exception {
        String token = TestTokens.bearer("leases", "lee@leases.dev");
        UUID taskId = UUID.fromString(given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"lease me\",\"response_format\":\"json\"}").post("/api/v1/tasks").then().statusCode(202)
                .extract().path("task_id"));
        Instant due = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        String prefix = "msg_lease_" + UUID.randomUUID().toString().substring(0, 8) + "_";
        for (int org = 0; org < ORGS; org++) {
            for (int n = 0; n < PER_ORG; n++) {
                pool.preparedQuery("""
                        INSERT INTO task.webhook_delivery (id, org, task_id, event_type, url, payload, status, next_attempt_at, created_at)
                        VALUES ($1, $2, $3, 'task.completed', 'http://127.0.0.1:9/hook', '{}', 'pending', $4, now())""")
                        .execute(Tuple.of(prefix + org + "_" + n, prefix + "org" + org, taskId, due.atOffset(java.time.ZoneOffset.UTC)))
                        .await().indefinitely();
            }
        }
        Instant now = due.plusSeconds(60);
        Instant leaseUntil = now.plus(Duration.ofMinutes(5));

        ExecutorService instances = Executors.newFixedThreadPool(3);
        List<Future<List<String>>> looks = new ArrayList<>();
        for (int instance = 0; instance < 3; instance++) {
            looks.add(instances.submit(() -> takeUntilNoneIsDue(now, leaseUntil, prefix)));
        }
        List<String> taken = new ArrayList<>();
        for (Future<List<String>> look : looks) {
            taken.addAll(look.get());
        }
        instances.shutdown();
        assertThat(taken).as("every message taken by exactly one instance").doesNotHaveDuplicates().hasSize(ORGS * PER_ORG);

        assertThat(take(now.plusSeconds(1), leaseUntil.plusSeconds(1), prefix)).as("leased messages are not due").isEmpty();
        // an instance that died leaves its messages leased: they are taken again once the lease has run out
        assertThat(take(leaseUntil.plusSeconds(1), leaseUntil.plus(Duration.ofMinutes(5)), prefix)).isNotEmpty();
        pool.preparedQuery("DELETE FROM task.webhook_delivery WHERE id LIKE $1").execute(Tuple.of(prefix + "%")).await().indefinitely();
    }

    /**
     * An instance's looks until none of this test's messages is due: a look that found the due ones locked by another
     * instance's look comes back empty, and the instance looks again. Bounded in time: messages that were never leased
     * would stay due for ever (the test then fails on the duplicates).
     */
    private List<String> takeUntilNoneIsDue(Instant now, Instant leaseUntil, String prefix) {
        List<String> taken = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline) && due(now, prefix) > 0) {
            taken.addAll(take(now, leaseUntil, prefix));
        }
        return taken;
    }

    private long due(Instant now, String prefix) {
        return pool.preparedQuery("SELECT count(*) FROM task.webhook_delivery WHERE id LIKE $1 AND status = 'pending' AND next_attempt_at <= $2")
                .execute(Tuple.of(prefix + "%", now.atOffset(java.time.ZoneOffset.UTC))).await().indefinitely().iterator().next().getLong(0);
    }

    /**
     * One look of an instance, as the dispatcher makes it (2 organizations, 5 messages each), in its own transaction,
     * leaving out the organizations of the other tests' messages, read afresh, as an instance leaves out those it is
     * sending to (their messages are due at this test's clock too).
     */
    private List<String> take(Instant now, Instant leaseUntil, String prefix) {
        Set<String> others = Set.copyOf(pool.preparedQuery("""
                        SELECT org FROM task.webhook_delivery WHERE org NOT LIKE $1 UNION SELECT org FROM task.webhook""")
                .execute(Tuple.of(prefix + "%")).await().indefinitely().stream().map(row -> row.getString("org")).toList());
        List<String> taken = OnVertxContext.await(vertx, () -> Panache.withTransaction(() -> deliveries.takeDue(now, leaseUntil, 2, 5, others)))
                .stream().map(WebhookDeliveryRepository.Due::id).toList();
        assertThat(taken).as("only this test's messages").allMatch(id -> id.startsWith(prefix));
        return taken;
    }
}
