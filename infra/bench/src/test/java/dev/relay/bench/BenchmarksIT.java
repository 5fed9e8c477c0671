package dev.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.relay.testsupport.Gateway;
import dev.relay.testsupport.KafkaBroker;
import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.TestDatabase;
import dev.relay.testsupport.TestTokens;

/**
 * Every benchmark command's Java half at a tiny scale (a few tasks, a few seconds) against the real broker, database
 * and packaged services, as the commands run them. Each benchmark checks its own invariants (published = delivered =
 * stored, every stream answered 200, every schedule fired once, every usage counted exactly, every create answered
 * and its run completed) and throws instead of printing figures, so a benchmark that measures a broken run fails
 * the build instead of printing a good number.
 */
class BenchmarksIT {

    private static final String ORG = "bench";
    private static final String USER = "bench@relay.local";
    private static final String TOKEN = TestTokens.token(ORG, USER);
    private static final TestDatabase DB = TestDatabase.shared();
    private static CompletableFuture<PackagedService> streamService;
    private static CompletableFuture<PackagedService> taskService;
    private static CompletableFuture<PackagedService> scheduleService;
    private static CompletableFuture<PackagedService> billingService;

    /**
     * The services start two at a time (the machine's two cores): the stream and billing services, then the task
     * service once its stream service answers and the schedule service once billing is up. Each benchmark waits for
     * the ones it runs against. Starting them is most of this class's time.
     */
    @BeforeAll
    static void startServices() {
        KafkaBroker.shared();
        streamService = CompletableFuture.supplyAsync(() -> PackagedService.start("stream-service", Map.of()));
        billingService = CompletableFuture.supplyAsync(() -> PackagedService.start("billing-service", Map.of()));
        scheduleService = billingService.handle((started, failed) -> null)
                .thenApplyAsync(ignored -> PackagedService.start("schedule-service", Map.of()));
        // quick runs (the simulated agent's pause before each chunk): the create benchmark waits for every run to complete
        taskService = streamService.thenApplyAsync(stream -> PackagedService.start("task-service", Map.of(
                "RELAY_STREAM_SERVICE_URL", stream.uri("").toString(), "RELAY_PUBLIC_URL", stream.uri("").toString(),
                "RELAY_RUNTIME_CHUNK_DELAY", "5ms")));
        for (CompletableFuture<PackagedService> service : List.of(streamService, taskService, scheduleService, billingService)) {
            service.thenAccept(started -> System.out.printf("[figures] %s ready in %d ms%n", started.log().getFileName(),
                    started.startedIn().toMillis()));
        }
    }

    @AfterAll
    static void stopServices() {
        CompletableFuture.allOf(List.of(taskService, streamService, scheduleService, billingService).stream()
                .map(service -> service.thenAcceptAsync(PackagedService::close).exceptionally(failed -> null))
                .toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void theStreamBenchmarkDeliversAndStoresEveryEventOnceAndEveryStreamAnswers200() throws Exception {
        String base = streamService.join().uri("").toString();
        long started = System.nanoTime();
        // 8 tasks on the broker's 6 partitions: some partition carries two tasks, as at full scale
        String[] pipeline = {"pipeline", bootstrap(), base, DB.jdbcUrl(), DB.user(), TOKEN, ORG, USER, "8"};
        for (String[] load : List.of(new String[] {"300", "1", "1"}, new String[] {"0", "1", "0"})) {
            String figures = Printed.by(() -> Benchmark.run(with(pipeline, load)));
            long published = Printed.result(figures, "pipeline.published");
            assertThat(published).isPositive();
            assertThat(Printed.result(figures, "pipeline.delivered")).isEqualTo(published);
            assertThat(Printed.result(figures, "pipeline.stored")).isEqualTo(published);
        }
        UUID idle = IdleStreams.seed(bootstrap(), DB.jdbcUrl(), DB.user(), ORG, USER);
        String url = base + "/api/preview/agents/" + ORG + "/tasks/" + idle + "/events/stream";
        assertThat(IdleStreams.hold(url, TOKEN, 50, 0)).isEqualTo(Map.of(200, 50));
        took("stream", started);
    }

    @Test
    void theCreateBenchmarkHasEveryCreateAnsweredAndEveryRunCompleted() throws Exception {
        try (Gateway gateway = Gateway.start(taskService.join().uri("").getPort(), streamService.join().uri("").getPort())) {
            long started = System.nanoTime();
            String[] creates = {gateway.uri("").toString(), TOKEN, DB.jdbcUrl(), DB.user()};
            assertThat(Printed.by(() -> CreateBenchmark.run(with(creates, "fixed", "5", "1", "0"))))
                    .contains("RESULT creates.fixed.created 5", "RESULT creates.fixed.runs_completed 5");
            String max = Printed.by(() -> CreateBenchmark.run(with(creates, "max", "4", "1", "0")));
            assertThat(Printed.result(max, "creates.max.runs_completed")).isEqualTo(Printed.result(max, "creates.max.created"));
            took("create", started);
        }
    }

    @Test
    void theFirstEventBenchmarkStreamsEveryCreateFromItsFirstEventToItsRunsEnd() throws Exception {
        try (Gateway gateway = Gateway.start(taskService.join().uri("").getPort(), streamService.join().uri("").getPort())) {
            long started = System.nanoTime();
            String figures = Printed.by(() -> FirstEventBenchmark.run(gateway.uri("").toString(), TOKEN, "3", "1"));
            assertThat(figures).contains("streaming creates 3, each streamed from task.created to run.completed");
            assertThat(figures).contains("RESULT first_event.p50_ms ", "RESULT first_event.p99_ms ");
            took("first event", started);
        }
    }

    @Test
    void theCreateBenchmarkAcrossOrganizationsWithBudgetsAdmitsEveryRunAgainstItsBudget() throws Exception {
        Path tokens = Files.createTempFile("bench-tokens-", ".txt");
        Files.write(tokens, List.of(TestTokens.adminToken("bench-budget-1", "admin@b1.dev"),
                TestTokens.adminToken("bench-budget-2", "admin@b2.dev")));
        // the budget API is the billing service's (the gateway routes it there)
        assertThat(Printed.by(() -> BudgetedOrgs.run(billingService.join().uri("").toString(), "@" + tokens, DB.jdbcUrl(), DB.user(),
                "1000000000"))).contains("RESULT budgets.orgs 2");
        try (Gateway gateway = Gateway.start(taskService.join().uri("").getPort(), streamService.join().uri("").getPort())) {
            String[] creates = {gateway.uri("").toString(), "@" + tokens, DB.jdbcUrl(), DB.user()};
            assertThat(Printed.by(() -> CreateBenchmark.run(with(creates, "fixed", "4", "1", "0"))))
                    .contains("RESULT creates.fixed.created 4", "RESULT creates.fixed.runs_completed 4");
        }
        try (Connection db = DriverManager.getConnection(DB.jdbcUrl(), DB.user(), "");
                ResultSet spent = db.createStatement().executeQuery("""
                        SELECT count(DISTINCT org) FROM task.budget_account
                        WHERE org IN ('bench-budget-1', 'bench-budget-2') AND scope = 'org' AND spent > 0""")) {
            spent.next();
            assertThat(spent.getInt(1)).as("organizations whose runs were counted against their budget").isEqualTo(2);
        }
    }

    @Test
    void theNoisyNeighbourBenchmarkHasEveryRunOfBothOrganizationsCompletedOnce() throws Exception {
        try (Gateway gateway = Gateway.start(taskService.join().uri("").getPort(), streamService.join().uri("").getPort())) {
            long started = System.nanoTime();
            String figures = Printed.by(() -> NoisyNeighbourBenchmark.run(gateway.uri("").toString(),
                    TestTokens.token("noisy-a", "a@noisy.dev"), TestTokens.adminToken("noisy-a", "admin@noisy.dev"),
                    TestTokens.token("noisy-b", "b@noisy.dev"), DB.jdbcUrl(), DB.user(), "6", "3", "256"));
            for (String mode : List.of("fifo", "fair")) {
                assertThat(Printed.result(figures, "noisy." + mode + ".b_runs")).isPositive();
                assertThat(figures).contains("RESULT noisy." + mode + ".b_start_p99_ms", "RESULT noisy." + mode + ".a_alone_runs_per_s");
            }
            took("noisy neighbour", started);
        }
    }

    @Test
    void theScheduleBenchmarkFiresEveryScheduleExactlyOnce() throws Exception {
        scheduleService.join();
        long started = System.nanoTime();
        assertThat(Printed.by(() -> ScheduleBenchmark.run("dbscheduler", DB.jdbcUrl(), DB.user(), "20", "1", "4")))
                .contains("RESULT schedules.dbscheduler.1.fired 20 of 20", "RESULT schedules.dbscheduler.1.duplicates 0");
        assertThat(Printed.by(() -> ScheduleBenchmark.run("relay", DB.jdbcUrl(), DB.user(), bootstrap(), "20", "one-replica")))
                .contains("RESULT schedules.relay.one-replica.fired 20 of 20", "RESULT schedules.relay.one-replica.duplicates 0");
        took("schedule", started);
    }

    @Test
    void theMeteringBenchmarkCountsEveryUsageReportExactlyOnce() throws Exception {
        billingService.join();
        long started = System.nanoTime();
        MeteringBenchmark.run("fill", bootstrap(), "2000");
        assertThat(Printed.by(() -> MeteringBenchmark.run("watch", DB.jdbcUrl(), DB.user(), "2000")))
                .contains("RESULT metering.events 2000 of 2000");
        assertThat(Printed.by(() -> MeteringBenchmark.run("ceiling", DB.jdbcUrl(), DB.user(), "2000")))
                .contains("RESULT postgres.ledger_rows_per_s");
        took("metering", started);
    }

    private static String bootstrap() {
        return KafkaBroker.shared().bootstrapServers();
    }

    private static String[] with(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static void took(String benchmark, long startedNanos) {
        System.out.printf("[figures] the %s benchmark at tiny scale: %d ms (its services already started)%n", benchmark,
                (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
