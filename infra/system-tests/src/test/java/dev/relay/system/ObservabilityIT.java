package dev.relay.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.RelayPaths;
import dev.relay.testsupport.TestTokens;
import io.restassured.http.ContentType;

/**
 * What an operator sees of the packaged services (prod profile): Relay's own metrics on every service's
 * {@code /q/metrics}, a Grafana dashboard that plots only series the services show, and JSON log lines that name
 * the task, run and trace they concern and never a token.
 */
class ObservabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = TestTokens.bearer("watchers", "operator@watchers.dev");
    private static final Pattern SERIES = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
    private static final Pattern DASHBOARD_METRIC = Pattern.compile("\\b(relay_[a-z_]+|http_server_[a-z_]+)");

    private static PackagedService streamService;
    private static PackagedService taskService;
    private static PackagedService scheduleService;
    private static PackagedService billingService;
    private static String traceId;
    private static String taskId;

    @BeforeAll
    static void startServicesAndRunATask() {
        // the schedule and billing services need nothing of the others: started beside them
        var scheduleStarting = java.util.concurrent.CompletableFuture.supplyAsync(() -> PackagedService.start("schedule-service", Map.of()));
        var billingStarting = java.util.concurrent.CompletableFuture.supplyAsync(() -> PackagedService.start("billing-service", Map.of()));
        streamService = PackagedService.start("stream-service", Map.of());
        // the run must start from its request (with the request's trace), never from a dispatcher however slow the machine
        taskService = PackagedService.start("task-service", Map.of("RELAY_RUNS_UNCLAIMED_AFTER", "30s",
                "RELAY_STREAM_SERVICE_URL", streamService.uri("").toString(),
                "RELAY_PUBLIC_URL", streamService.uri("").toString()));
        scheduleService = scheduleStarting.join();
        billingService = billingStarting.join();

        traceId = UUID.randomUUID().toString().replace("-", "");
        taskId = given().baseUri(taskService.uri("").toString()).header("Authorization", TOKEN)
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").contentType(ContentType.JSON)
                .body("{\"task\":\"watch me\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().baseUri(taskService.uri("").toString())
                .header("Authorization", TOKEN).get("/api/v1/tasks/" + taskId).then().body("task.status", equalTo("completed")));
    }

    @AfterAll
    static void stopServices() {
        for (PackagedService service : new PackagedService[] {billingService, scheduleService, taskService, streamService}) {
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void everyServiceShowsRelaysOwnMetrics() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(series(taskService)).contains("relay_task_creates_total", "relay_runs_active", "relay_runs_working_limit", "relay_runs_ended_total",
                    "relay_budget_refusals_total", "relay_outbox_records_total", "relay_outbox_backlog",
                    "relay_outbox_oldest_age_seconds", "relay_consumer_lag_records", "relay_consumer_assigned_partitions");
            assertThat(series(streamService)).contains("relay_events_stored_total", "relay_sse_connections_open",
                    "relay_sse_connections_cut_total", "relay_consumer_lag_records");
            assertThat(series(scheduleService)).contains("relay_schedule_firings_total", "relay_schedule_firing_lag_seconds",
                    "relay_outbox_backlog", "relay_consumer_lag_records");
            assertThat(series(billingService)).contains("relay_outbox_backlog", "relay_consumer_lag_records");
        });
        String task = metrics(taskService);
        assertThat(task).containsPattern("relay_task_creates_total\\{outcome=\"started\"[^}]*} [1-9]")
                .containsPattern("relay_runs_ended_total\\{status=\"completed\"[^}]*} [1-9]");
        assertThat(metrics(streamService)).containsPattern("relay_events_stored_total(\\{[^}]*})? [1-9]");
    }

    @Test
    void theDashboardPlotsOnlySeriesTheServicesShow() throws IOException {
        String dashboard = Files.readString(RelayPaths.root().resolve("infra/grafana/relay-dashboard.json"));
        Set<String> plotted = new TreeSet<>();
        Matcher metric = DASHBOARD_METRIC.matcher(dashboard);
        while (metric.find()) {
            plotted.add(metric.group(1));
        }
        assertThat(plotted).hasSizeGreaterThan(10);
        // some series appear only after their first reading (the outbox's, every relay.outbox.metrics-interval)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Set<String> shown = new TreeSet<>();
            for (PackagedService service : List.of(taskService, streamService, scheduleService, billingService)) {
                shown.addAll(series(service));
            }
            assertThat(shown).containsAll(plotted);
        });
    }

    @Test
    void productionLogsAreJsonLinesThatNameTheirTaskRunAndTraceAndNoToken() throws IOException {
        List<String> lines = Files.readAllLines(taskService.log()).stream().filter(line -> !line.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        List<JsonNode> entries = lines.stream().map(ObservabilityIT::parse).toList();
        assertThat(entries).allSatisfy(entry -> assertThat(entry.has("message") && entry.has("level")).isTrue());
        List<JsonNode> ofTask = entries.stream().filter(entry -> entry.path("message").asText().contains(taskId)).toList();
        assertThat(ofTask).as("the run's end is logged").isNotEmpty().allSatisfy(entry -> {
            assertThat(entry.path("mdc").path("taskId").asText()).isEqualTo(taskId);
            assertThat(entry.path("mdc").path("runId").asText()).isNotEmpty();
            assertThat(entry.path("mdc").path("traceId").asText()).isEqualTo(traceId);
        });
        String token = TOKEN.substring("Bearer ".length());
        for (PackagedService service : List.of(taskService, streamService, scheduleService, billingService)) {
            assertThat(Files.readString(service.log())).doesNotContain(token);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }

    private static String metrics(PackagedService service) {
        return given().baseUri(service.uri("").toString()).get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static Set<String> series(PackagedService service) {
        Set<String> names = new TreeSet<>();
        Matcher series = SERIES.matcher(metrics(service));
        while (series.find()) {
            names.add(series.group(1));
        }
        return names;
    }
}
