package dev.relay.task.probe;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.common.auth.ApiKeys;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import dev.relay.testsupport.probe.RawHttp;
import dev.relay.testsupport.probe.ResponseRules;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The probe's findings on the task service, one test each: bad input and bad credentials get a 4xx with the body. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class BadInputTest {

    private static final String ORG = "probe";

    @TestHTTPResource("/")
    URI base;

    private final String user = "prober-" + UUID.randomUUID() + "@probe.dev";
    private final String token = TestTokens.bearer(ORG, user);

    private ValidatableResponse post(String path, String body) {
        return given().header("Authorization", token).contentType(ContentType.JSON).body(body).post(path).then();
    }

    private static void refusedNaming(ValidatableResponse response, String field, String problem) {
        response.statusCode(400).contentType(ContentType.JSON).body("code", equalTo("invalid_request"))
                .body("message", containsString("'" + field + "'")).body("message", containsString(problem));
    }

    private String task() {
        return post("/api/v1/tasks", "{\"task\":\"probe\",\"response_format\":\"json\"}").statusCode(202).extract().path("task_id");
    }

    @Test
    void anEmptyNeoCreateIsRefusedAtOnceNotLeftHanging() {
        RawHttp.Response response = new RawHttp(base).send(RawHttp.head("POST", "/api/v1/tasks", "Authorization: " + token,
                "Content-Type: application/json", "Content-Length: 0"), new byte[0], Duration.ofSeconds(5));
        assertThat(response.timedOut()).as("answered within 5 s").isFalse();
        assertThat(response.status()).isEqualTo(400);
        assertThat(ResponseRules.errorBodyProblem(response.contentType(), response.body())).isNull();
    }

    @Test
    void aNeoCreateTakesBodiesUpToTheDocumentedMegabyte() {
        for (int size : new int[] {20_000, 900_000}) {
            post("/api/v1/tasks", "{\"task\":\"" + "x".repeat(size) + "\",\"response_format\":\"json\"}").log().ifValidationFails().statusCode(202);
        }
    }

    /** The JDK's HTTP client asks to upgrade to HTTP/2 (h2c) on every first request, body included. */
    @Test
    void aCreateFromAClientThatAsksForAnHttp2UpgradeIsServed() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        for (String body : new String[] {"{\"task\":\"upgrade\",\"response_format\":\"json\"}", "{\"task\":\"" + "x".repeat(20_000) + "\",\"response_format\":\"json\"}"}) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/api/v1/tasks"))
                    .header("Authorization", token).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }
    }

    @Test
    void textWithANulCharacterIsRefusedNamingTheFieldWhereverItIs() {
        String nul = "a\\u0000b";
        refusedNaming(post("/api/v1/tasks", "{\"task\":\"" + nul + "\",\"response_format\":\"json\"}"), "task", "NUL");
        refusedNaming(post("/api/v1/tasks", "{\"message\":{\"parts\":[{\"type\":\"text\",\"text\":\"" + nul + "\"}]},\"response_format\":\"json\"}"),
                "message.parts[0].text", "NUL");
        refusedNaming(post("/api/v1/tasks", "{\"task\":\"t\",\"agent_ids\":[\"" + nul + "\"],\"response_format\":\"json\"}"), "agent_ids[0]", "NUL");
        refusedNaming(post("/api/v1/tasks", "{\"task\":\"t\",\"secrets\":[\"" + nul + "\"],\"response_format\":\"json\"}"), "secrets[0]", "NUL");
        refusedNaming(post("/api/v1/tasks", "{\"task\":\"t\",\"file_keys\":[\"" + nul + "\"],\"response_format\":\"json\"}"), "file_keys[0]", "NUL");
        refusedNaming(post("/api/preview/agents/" + ORG + "/tasks", "{\"message\":{\"type\":\"user_message\",\"content\":\"" + nul + "\"}}"),
                "message.content", "NUL");
        refusedNaming(post("/api/v1/api-keys", "{\"name\":\"" + nul + "\"}"), "name", "NUL");
        refusedNaming(given().header("Authorization", token).contentType(ContentType.JSON).body("{\"name\":\"" + nul + "\"}")
                .patch("/api/preview/agents/" + ORG + "/tasks/" + task()).then(), "name", "NUL");
    }

    @Test
    void aLoneSurrogateIsRefusedAsTextThatCannotBeStored() {
        refusedNaming(post("/api/v1/tasks", "{\"task\":\"\\ud800\",\"response_format\":\"json\"}"), "task", "surrogate");
        refusedNaming(post("/api/v1/tasks", "{\"task\":\"t\",\"agent_ids\":[\"x\\udc00\"],\"response_format\":\"json\"}"), "agent_ids[0]", "surrogate");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        post("/api/preview/agents/" + ORG + "/tasks/" + task(), "{\"event\":{\"type\":\"user_cancel\"},\"event\":\"x\"}")
                .statusCode(400).contentType(ContentType.JSON).body("message", containsString("duplicate key 'event'"));
    }

    /**
     * A path that is not a URI at all ({@code %ZZ}, {@code {uuid}}) is refused by Vert.x's HTTP codec with an empty
     * 400 before any handler runs, as are lines and headers over the limits and a chunked body over the limit (413);
     * the gateway, whose limits are lower, refuses those first and with the body (see infra/gateway).
     */
    @Test
    void aPathOrQueryThatCannotBeDecodedOrStoredIsRefusedWithTheBody() {
        RawHttp raw = new RawHttp(base);
        for (String target : new String[] {"/api/v1/tasks/a%00b",
                "/api/preview/agents/" + ORG + "/tasks?continuationToken=%00"}) {
            RawHttp.Response response = raw.send(RawHttp.head("GET", target, "Authorization: " + token), new byte[0], Duration.ofSeconds(5));
            assertThat(response.status()).as(target).isEqualTo(400);
            assertThat(ResponseRules.errorBodyProblem(response.contentType(), response.body())).as(target).isNull();
        }
    }

    @Test
    void tokensWithClaimsOfTheWrongTypeOrNoOrganizationIdentifyNobody() {
        Map<String, Object> numericOrg = TestTokens.claims(ORG, user);
        numericOrg.put("org", 42);
        Map<String, Object> objectUpn = TestTokens.claims(ORG, user);
        objectUpn.put("upn", Map.of("a", 1));
        Map<String, Object> noOrg = TestTokens.claims(ORG, user);
        noOrg.remove("org");
        for (Map<String, Object> claims : new Map[] {numericOrg, objectUpn, noOrg}) {
            given().header("Authorization", "Bearer " + TestTokens.signed(claims)).get("/api/v1/tasks/" + UUID.randomUUID())
                    .then().statusCode(401).contentType(ContentType.JSON).body("code", equalTo("unauthorized"));
        }
    }

    @Test
    void aTokenExpiredHalfAMinuteAgoIsRefused() {
        given().header("Authorization", "Bearer " + TestTokens.expired(ORG, user, Duration.ofSeconds(30)))
                .get("/api/v1/tasks/" + UUID.randomUUID()).then().statusCode(401).contentType(ContentType.JSON);
    }

    @Test
    void aTokenForAnotherAudienceOrNoneIsRefused() {
        Map<String, Object> noAudience = TestTokens.claims(ORG, user);
        noAudience.remove("aud");
        Map<String, Object> otherAudience = TestTokens.claims(ORG, user);
        otherAudience.put("aud", "other");
        for (Map<String, Object> claims : new Map[] {noAudience, otherAudience}) {
            refusedAsUnauthorized(TestTokens.signed(claims));
        }
        given().header("Authorization", "Bearer " + TestTokens.signed(TestTokens.claims(ORG, user)))
                .get("/api/v1/api-keys").then().statusCode(200);
    }

    @Test
    void aTokenIssuedAnHourFromNowIsRefused() {
        Map<String, Object> issuedLater = TestTokens.claims(ORG, user);
        long inAnHour = (Long) issuedLater.get("iat") + 3600;
        issuedLater.put("iat", inAnHour);
        issuedLater.put("exp", inAnHour + 3600);
        refusedAsUnauthorized(TestTokens.signed(issuedLater));
    }

    private static void refusedAsUnauthorized(String token) {
        given().header("Authorization", "Bearer " + token).get("/api/v1/api-keys")
                .then().statusCode(401).contentType(ContentType.JSON).body("code", equalTo("unauthorized"));
    }

    @Test
    void aRevokedKeyIsRefusedOnTheVeryNextRequest() {
        var key = post("/api/v1/api-keys", "{\"name\":\"short-lived\"}").statusCode(201).extract();
        given().header(ApiKeys.HEADER, key.<String>path("key")).get("/api/v1/api-keys").then().statusCode(200);
        given().header("Authorization", token).delete("/api/v1/api-keys/" + key.path("id")).then().statusCode(204);
        given().header(ApiKeys.HEADER, key.<String>path("key")).get("/api/v1/api-keys").then().statusCode(401).contentType(ContentType.JSON);
    }
}
