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

    @Test
    void aKeyCannotMintKeysAReadKeyOnlyReadsAndAnExpiredKeyIsRefused() throws Exception {
        String user = newUser();
        String token = TestTokens.bearer("stark", user);
        String key = createKey(token, "full");
        given().header(ApiKeys.HEADER, key).contentType(ContentType.JSON).body("{\"name\":\"spawned\"}").post("/api/v1/api-keys")
                .then().statusCode(403).body("code", equalTo("forbidden"));

        String reader = given().header("Authorization", token).contentType(ContentType.JSON).body("{\"name\":\"reader\",\"scope\":\"read\"}")
                .post("/api/v1/api-keys").then().statusCode(201).body("scope", equalTo("read")).extract().path("key");
        String taskId = given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"task\":\"read me\",\"response_format\":\"json\"}").post("/api/v1/tasks").then().statusCode(202)
                .extract().path("task_id");
        given().header(ApiKeys.HEADER, reader).get("/api/v1/tasks/" + taskId).then().statusCode(200);
        given().header(ApiKeys.HEADER, reader).contentType(ContentType.JSON).body("{\"task\":\"write\",\"response_format\":\"json\"}")
                .post("/api/v1/tasks").then().statusCode(403).body("code", equalTo("forbidden"));
        given().header(ApiKeys.HEADER, reader).contentType(ContentType.JSON).body("{\"name\":\"renamed\"}")
                .patch("/api/preview/agents/stark/tasks/" + taskId).then().statusCode(403);
        given().header(ApiKeys.HEADER, reader).delete("/api/v1/api-keys/" + java.util.UUID.randomUUID()).then().statusCode(403);

        String soon = java.time.Instant.now().plusSeconds(2).toString();
        String brief = given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"name\":\"brief\",\"expires_at\":\"" + soon + "\"}").post("/api/v1/api-keys").then().statusCode(201)
                .body("expires_at", notNullValue()).extract().path("key");
        given().header(ApiKeys.HEADER, brief).get("/api/v1/tasks/" + taskId).then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                given().header(ApiKeys.HEADER, brief).get("/api/v1/tasks/" + taskId).then().statusCode(401).body("code", equalTo("unauthorized")));
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"expires_at\":\"2020-01-01T00:00:00Z\"}").post("/api/v1/api-keys").then().statusCode(400);
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"scope\":\"admin\"}").post("/api/v1/api-keys").then().statusCode(400);
        // a key's last use is shown (the reader's and the brief key's)
        given().header("Authorization", token).get("/api/v1/api-keys").then().statusCode(200)
                .body("api_keys.find { it.name == 'reader' }.last_used_at", notNullValue())
                .body("api_keys.find { it.name == 'full' }.user_email", equalTo(user));
    }

    @Test
    void anAdminListsAndRevokesAnyMembersKeyAndAMemberOnlyItsOwn() {
        String tenant = "keys-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String member = TestTokens.bearer(tenant, "leaving@" + tenant + ".dev");
        String admin = TestTokens.adminBearer(tenant, "owner@" + tenant + ".dev");
        String key = createKey(member, "left behind");
        given().header("Authorization", member).get("/api/v1/api-keys?all=true").then().statusCode(403).body("code", equalTo("forbidden"));
        String id = given().header("Authorization", admin).get("/api/v1/api-keys?all=true").then().statusCode(200)
                .body("api_keys.user_email", org.hamcrest.Matchers.hasItem("leaving@" + tenant + ".dev"))
                .extract().jsonPath().getString("api_keys.find { it.name == 'left behind' }.id");
        given().header("Authorization", TestTokens.adminBearer("other-" + tenant, "owner@other.dev")).delete("/api/v1/api-keys/" + id)
                .then().statusCode(404);
        given().header(ApiKeys.HEADER, key).get("/api/v1/api-keys").then().statusCode(200);
        given().header("Authorization", admin).delete("/api/v1/api-keys/" + id).then().statusCode(204);
        given().header(ApiKeys.HEADER, key).get("/api/v1/api-keys").then().statusCode(401);
    }
}
