package dev.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The seeds' schemas catch what breaks them, and let pass what they allow. */
class SeedContractTest {

    private static final String TASK = "/api/v1/tasks/3c90c3cc-0d44-4b50-8888-8dd25736052a";
    private static final String JSON = "application/json";

    private static String details(String scheduleInfo) {
        return """
                {"task": {"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "created_at": "2026-11-24T01:30:00Z",
                  "title": "scan", "visibility": "private", "status": "active", "schedule_info": %s},
                 "messages": []}""".formatted(scheduleInfo);
    }

    private static List<String> detailsProblems(String scheduleInfo) {
        return SeedContract.seeds().problems("GET", TASK, 200, JSON, details(scheduleInfo));
    }

    @Test
    void aScheduleWithoutExecutionInfoKeepsTheSchema() {
        assertThat(detailsProblems("""
                {"schedule_id": "3c90c3cc-0d44-4b50-8888-8dd25736052b", "schedule_type": "recurring",
                 "schedule_status": "active", "execution_count": 0, "last_executed_at": null, "schedule_name": null}""")).isEmpty();
    }

    @Test
    void aNullExecutionInfoBreaksIt() {
        assertThat(detailsProblems("""
                {"schedule_id": "3c90c3cc-0d44-4b50-8888-8dd25736052b", "schedule_type": "recurring",
                 "schedule_status": "active", "execution_count": 0, "execution_info": null}"""))
                .singleElement().asString().contains("GET /api/v1/tasks/{id} 200", "execution_info", "null");
    }

    @Test
    void aWrongTypeAMissingFieldAndAnUnknownEnumValueBreakIt() {
        assertThat(detailsProblems("""
                {"schedule_id": "3c90c3cc-0d44-4b50-8888-8dd25736052b", "schedule_type": "weekly",
                 "execution_count": "none"}"""))
                .hasSize(3)
                .anySatisfy(problem -> assertThat(problem).contains("execution_count", "integer"))
                .anySatisfy(problem -> assertThat(problem).contains("schedule_status"))
                .anySatisfy(problem -> assertThat(problem).contains("schedule_type"));
    }

    @Test
    void aFormatIsAsserted() {
        assertThat(SeedContract.seeds().problems("POST", "/api/v1/tasks", 202, JSON, """
                {"task_id": "not-a-uuid", "status": "accepted"}""")).singleElement().asString().contains("task_id", "uuid");
    }

    @Test
    void anErrorBodyMustCarryError() {
        assertThat(SeedContract.seeds().problems("GET", TASK, 404, JSON, "{\"code\": \"not_exists\"}"))
                .singleElement().asString().contains("error");
        assertThat(SeedContract.seeds().problems("GET", TASK, 404, JSON, "{\"error\": \"Not Found\"}")).isEmpty();
    }

    @Test
    void theTranscribedPulumiOperationsAreChecked() {
        assertThat(SeedContract.seeds().problems("GET", "/api/orgs/acme/neo/token-budget", 200, JSON, """
                {"windowKind": "monthly", "baseAllowanceTokens": 10, "effectiveAllowanceTokens": 10, "consumedTokens": 0,
                 "windowEnd": 0, "exhausted": false}""")).singleElement().asString().contains("windowKind");
        assertThat(SeedContract.seeds().problems("GET", "/api/preview/agents/acme/tasks/t1/events", 200, JSON, """
                {"events": [{"id": "e1", "type": "agent_message"}], "continuationToken": null}"""))
                .singleElement().asString().contains("isSynthetic");
    }

    @Test
    void whatTheSeedsDoNotDescribeIsNotJudged() {
        assertThat(SeedContract.seeds().describes("GET", "/api/v1/schedules")).isFalse();
        assertThat(SeedContract.seeds().describes("GET", "/api/v1/tasks/x/artifacts")).isFalse();
        assertThat(SeedContract.seeds().problems("GET", TASK, 409, JSON, "[]")).isEmpty();
        assertThat(SeedContract.seeds().problems("POST", "/api/v1/tasks", 200, "text/event-stream", "data: x")).isEmpty();
    }
}
