package dev.relay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Gives each organization of a benchmark a token budget, as its admin would ({@code PUT
 * /api/orgs/{org}/neo/token-budget} through the gateway), and waits until the task service holds every one of them
 * (the billing service publishes budgets on {@code budget-states}): from then on each of their runs is admitted against
 * its budget. The allowance is the caller's: large enough that no run is refused, the admission is what is measured.
 * Usage: {@code BudgetedOrgs BASE_URL @TOKEN_FILE JDBC_URL DB_USER ALLOWANCE_TOKENS}, one admin token per organization.
 */
public final class BudgetedOrgs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(60);

    private BudgetedOrgs() {
    }

    public static void main(String[] args) {
        Command.exitAfter(() -> run(args));
    }

    static void run(String... args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: BudgetedOrgs BASE_URL @TOKEN_FILE JDBC_URL DB_USER ALLOWANCE_TOKENS");
        }
        List<String> tokens = CreateBenchmark.tokens(args[1]);
        String body = JSON.createObjectNode().put("windowKind", "individual").put("baseAllowanceTokens", Long.parseLong(args[4]))
                .put("windowDays", 30).toString();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> orgs = tokens.stream().map(BudgetedOrgs::org).distinct().toList();
        InvariantViolation.check(orgs.size() == tokens.size(), "%d tokens for %d organizations: one each", tokens.size(), orgs.size());
        for (int i = 0; i < tokens.size(); i++) {
            HttpRequest put = HttpRequest.newBuilder(URI.create(args[0] + "/api/orgs/" + orgs.get(i) + "/neo/token-budget"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + tokens.get(i))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> answer = client.send(put, HttpResponse.BodyHandlers.ofString());
            InvariantViolation.check(answer.statusCode() == 200, "setting %s's budget answered %d %s", orgs.get(i), answer.statusCode(),
                    answer.body());
        }
        long held = awaitHeld(args[2], args[3], orgs);
        System.out.printf("RESULT budgets.orgs %d%n", held);
    }

    /** How many of {@code orgs} the task service holds a budget of, once that is all of them (or the bound passed). */
    private static long awaitHeld(String jdbcUrl, String user, List<String> orgs) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement query = db.prepareStatement("SELECT count(*) FROM task.budget_state WHERE org = ANY(?)")) {
            query.setArray(1, db.createArrayOf("text", orgs.toArray()));
            long started = System.nanoTime();
            long held = 0;
            while (System.nanoTime() - started < BOUND_NANOS) {
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    held = row.getLong(1);
                }
                if (held == orgs.size()) {
                    return held;
                }
                Thread.sleep(100);
            }
            throw new InvariantViolation(String.format("the task service holds %d of %d budgets after 60 s", held, orgs.size()));
        }
    }

    /** The {@code org} claim of a JWT (read, not verified: the services verify it). */
    private static String org(String token) {
        String[] parts = token.split("\\.");
        InvariantViolation.check(parts.length == 3, "not a JWT: %s…", token.substring(0, Math.min(12, token.length())));
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            return JSON.readTree(payload).path("org").asText();
        } catch (Exception e) {
            throw new InvariantViolation("a token's payload is not JSON: " + e.getMessage());
        }
    }
}
