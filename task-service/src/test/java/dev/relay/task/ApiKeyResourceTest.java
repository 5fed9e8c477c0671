package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.common.auth.ApiKeys;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Neo API keys: made and revoked by their user, stored as hashes, accepted as X-Api-Key in place of a token. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class ApiKeyResourceTest {

    /** A user of its own per test: a test that counts a user's keys must not see another test's. */
    private static String newUser() {
        return "user-" + java.util.UUID.randomUUID() + "@stark.dev";
    }

    @Inject
    Pool pool;

    private static String createKey(String token, String name) {
        return given().header("Authorization", token).contentType(ContentType.JSON).body("{\"name\":\"" + name + "\"}")
                .post("/api/v1/api-keys").then().statusCode(201)
                .body("name", equalTo(name))
                .body("prefix", startsWith(ApiKeys.PREFIX))
                .body("created_at", notNullValue())
                .extract().path("key");
    }

    @Test
    void aKeyActsAsItsUserUntilItIsRevoked() {
        String user = newUser();
        String grace = TestTokens.bearer("stark", user);
        String key = createKey(grace, "ci");
        assertThat(key).startsWith(ApiKeys.PREFIX).hasSizeGreaterThan(40);

        String taskId = given().header(ApiKeys.HEADER, key).contentType(ContentType.JSON)
                .body("{\"task\":\"made with a key\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(202).extract().path("task_id");
        given().header("Authorization", grace).get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("task.created_by", equalTo(user)).body("read_only", equalTo(false));
        given().header(ApiKeys.HEADER, key).get("/api/preview/agents/stark/tasks/" + taskId).then().statusCode(200);
        given().header(ApiKeys.HEADER, key).get("/api/preview/agents/other/tasks/" + taskId).then().statusCode(404);

        var listed = given().header(ApiKeys.HEADER, key).get("/api/v1/api-keys").then().statusCode(200)
                .body("api_keys", hasSize(1))
                .body("api_keys[0].key", nullValue())
                .body("api_keys[0].prefix", equalTo(key.substring(0, ApiKeys.SHOWN_CHARACTERS)))
                .extract().jsonPath();
        String id = listed.getString("api_keys[0].id");

        given().header("Authorization", grace).delete("/api/v1/api-keys/" + id).then().statusCode(204);
        given().header("Authorization", grace).delete("/api/v1/api-keys/" + id).then().statusCode(204);
        given().header(ApiKeys.HEADER, key).get("/api/v1/tasks/" + taskId).then().statusCode(401)
                .body("code", equalTo("unauthorized"));
        given().header("Authorization", grace).get("/api/v1/api-keys").then()
                .body("api_keys[0].revoked_at", notNullValue());
    }

    @Test
    void onlyTheHashIsStoredAndStrangersCannotUseOrRevokeAKey() {
        String grace = TestTokens.bearer("stark", newUser());
        String key = createKey(grace, "laptop");
        long clear = pool.preparedQuery("SELECT count(*) FROM task.api_key WHERE hash = $1 OR shown = $2")
                .execute(Tuple.of(key, key)).await().indefinitely().iterator().next().getLong(0);
        assertThat(clear).isZero();
        String id = given().header("Authorization", grace).get("/api/v1/api-keys").then().extract()
                .jsonPath().getString("api_keys.find { it.name == 'laptop' }.id");

        given().header("Authorization", TestTokens.bearer("stark", "pepper@stark.dev")).delete("/api/v1/api-keys/" + id)
                .then().statusCode(404).body("code", equalTo("not_exists"));
        given().header(ApiKeys.HEADER, ApiKeys.generate()).get("/api/v1/api-keys").then().statusCode(401)
                .body("code", equalTo("unauthorized"));
        given().header(ApiKeys.HEADER, "not-a-key").get("/api/v1/api-keys").then().statusCode(401);
        given().get("/api/v1/api-keys").then().statusCode(401);
    }
}
