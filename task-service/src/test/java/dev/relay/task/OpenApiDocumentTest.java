package dev.relay.task;

import dev.relay.task.task.api.AgentTask;
import dev.relay.task.task.api.CreateTaskRequest;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import dev.relay.testsupport.RelayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The service documents its API with the seeds' schema and field names. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class OpenApiDocumentTest {

    @Test
    void everyEndpointIsDocumentedWithTheSeedsSchemas() {
        var document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200);
        document.body("paths.'/api/v1/tasks'.post", notNullValue())
                .body("paths.'/api/v1/tasks/{id}'.get", notNullValue())
                .body("paths.'/api/preview/agents/{org}/tasks'.get", notNullValue())
                .body("paths.'/api/preview/agents/{org}/tasks'.post", notNullValue())
                .body("paths.'/api/preview/agents/{org}/tasks/{taskId}'.get", notNullValue())
                .body("paths.'/api/preview/agents/{org}/tasks/{taskId}'.post", notNullValue())
                .body("paths.'/api/preview/agents/{org}/tasks/{taskId}'.patch", notNullValue())
                .body("paths.'/api/preview/agents/{org}/tasks/{taskId}/cancel'.post", notNullValue())
                .body("paths.'/api/v1/api-keys'.post", notNullValue())
                .body("components.securitySchemes.keySet()", hasItems("BearerAuth", "ApiKeyAuth"))
                .body("components.schemas.keySet()", hasItems("CreateTaskRequest", "CreateTaskAcceptedResponse",
                        "TaskDetailsResponse", "TaskInfo", "StreamInfo", "TaskStreamSummary", "StreamUrl", "TaskRunConfig",
                        "ScheduleInfo", "MessageInput", "MessagePartInputV2", "ScheduleConfigInput", "ErrorResponse",
                        "AgentTask", "ListAgentTasksResponse", "CreateAgentTaskRequest", "CreateAgentTaskResponse",
                        "AgentUserEvent", "UpdateAgentTaskRequest", "UserInfo"))
                .body("components.schemas.CreateTaskRequest.properties.keySet()", hasItems("agent_id", "agent_ids",
                        "ask_question", "auto_execute", "completion_delivery", "file_keys", "id", "isolated", "max_iterations",
                        "max_steps", "message", "mode", "model", "project_id", "response_format", "sandbox_id", "schedule",
                        "secrets", "task", "visibility"))
                .body("components.schemas.AgentTask.properties.keySet()", hasItems("taskType", "asyncTriggerType",
                        "runtimePhase", "lastHeartbeat", "contextWindowTokens", "sourceAutomationID", "isShared"));
    }
}
