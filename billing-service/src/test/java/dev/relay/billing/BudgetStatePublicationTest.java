package dev.relay.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.relay.common.event.BudgetStateChanged;
import dev.relay.common.event.Topics;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Every change of a budget, its bonuses or caps, and every metered batch publishes the organization's state on the
 * compacted topic budget-states (what the task service admits runs against), each with a higher version.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class BudgetStatePublicationTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    /** The organization's newest state once one satisfies {@code until} (20 s at most). */
    private static BudgetStateChanged newest(String org, Predicate<BudgetStateChanged> until) {
        var records = TestTopics.readUntil(Topics.BUDGET_STATES, Duration.ofSeconds(20),
                read -> states(read, org).stream().anyMatch(until));
        List<BudgetStateChanged> states = states(records, org);
        assertThat(states).anyMatch(until);
        return states.stream().max(Comparator.comparingLong(BudgetStateChanged::version)).orElseThrow();
    }

    private static List<BudgetStateChanged> states(List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records, String org) {
        return records.stream().filter(record -> org.equals(record.key())).map(record -> {
            try {
                return JSON.readValue(record.value(), BudgetStateChanged.class);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void budgetChangesAndMeteredUsageArePublishedWithGrowingVersions() {
        String org = "state-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = TestBudgets.admin(org, "owner@" + org + ".dev");
        TestBudgets.putBudget(org, admin, "{\"windowKind\":\"individual\",\"baseAllowanceTokens\":10000,\"windowDays\":30}");
        BudgetStateChanged set = newest(org, state -> state.allowance() != null);
        assertThat(set.allowance().baseTokens()).isEqualTo(10_000);
        assertThat(set.windowDays()).isEqualTo(30);
        assertThat(set.windowStart()).isEqualTo(set.windowOrigin());

        Instant expires = Instant.now().plus(7, ChronoUnit.DAYS);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"tokens\":500,\"expiresAt\":\"" + expires + "\"}").post("/api/orgs/" + org + "/neo/token-budget/bonuses")
                .then().statusCode(201);
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"limitTokens\":300}")
                .put("/api/orgs/" + org + "/neo/spending-caps/users/alice@" + org + ".dev").then().statusCode(200);
        given().header("Authorization", admin).contentType(ContentType.JSON).body("{\"limitTokens\":0}")
                .put("/api/orgs/" + org + "/neo/spending-caps/projects/p-1").then().statusCode(200);
        TestBudgets.send(TestBudgets.usage(org, "alice@" + org + ".dev", "sonnet-4.6", 100, 20));
        TestBudgets.send(TestBudgets.usage(org, "bob@" + org + ".dev", "sonnet-4.6", 1000, 0));

        BudgetStateChanged metered = newest(org, state -> state.allowance() != null && state.allowance().consumed() == 1_120);
        assertThat(metered.version()).isGreaterThan(set.version());
        assertThat(metered.allowance().effectiveAt(Instant.now())).isEqualTo(10_500);
        assertThat(metered.userCaps()).containsExactly(new BudgetStateChanged.Cap("alice@" + org + ".dev", 300, 120));
        assertThat(metered.projectCaps()).containsExactly(new BudgetStateChanged.Cap("p-1", 0, 0));
        assertThat(metered.pricing().neoTokens("sonnet-4.6", 100, 20)).isEqualTo(120);

        given().header("Authorization", admin).delete("/api/orgs/" + org + "/neo/token-budget").then().statusCode(204);
        BudgetStateChanged deleted = newest(org, state -> state.version() > metered.version() && state.allowance() == null);
        // the caps stay, counted over one window that never ends
        assertThat(deleted.userCaps()).hasSize(1);
        assertThat(deleted.windowDays()).isZero();
    }
}
