package dev.relay.task;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.task.secrets.SecretVault;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Secrets are write-only: stored sealed, listed by name, deleted, opened only for a run; one org never sees another's. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class SecretResourceTest {

    @Inject
    SecretVault vault;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Test
    void aSecretIsStoredSealedListedByNameAndDeleted() {
        String org = "vault-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestTokens.adminBearer(org, "keeper@" + org + ".dev");
        String value = "planted-" + UUID.randomUUID();

        String created = given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("name", "SHODAN_KEY", "value", value, "hosts", List.of("API.shodan.io"))).post("/api/v1/secrets")
                .then().statusCode(201).body("name", equalTo("SHODAN_KEY")).body("hosts", equalTo(List.of("api.shodan.io")))
                .body("value", nullValue()).extract().asString();
        assertThat(created).doesNotContain(value);
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("name", "SHODAN_KEY", "value", value + "-2", "hosts", List.of("api.shodan.io", "*.shodan.io")))
                .post("/api/v1/secrets").then().statusCode(200);
        String listed = given().header("Authorization", token).get("/api/v1/secrets").then().statusCode(200)
                .body("secrets.name", equalTo(List.of("SHODAN_KEY")))
                .body("secrets[0].hosts", equalTo(List.of("api.shodan.io", "*.shodan.io"))).extract().asString();
        assertThat(listed).doesNotContain(value);

        byte[] sealed = pool.preparedQuery("SELECT sealed FROM task.secret WHERE org = $1 AND name = $2")
                .execute(Tuple.of(org, "SHODAN_KEY")).await().indefinitely().iterator().next().getBuffer("sealed").getBytes();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("planted-");
        assertThat(resolve(org, List.of("SHODAN_KEY", "MISSING")))
                .containsExactly(Map.entry("SHODAN_KEY", value + "-2"));

        String other = TestTokens.adminBearer("other-" + org, "someone@other.dev");
        given().header("Authorization", other).get("/api/v1/secrets").then().statusCode(200).body("secrets", equalTo(List.of()));
        given().header("Authorization", other).delete("/api/v1/secrets/SHODAN_KEY").then().statusCode(404).body("code", equalTo("not_exists"));

        // a member lists the names (to name them in a task) but neither replaces nor deletes one
        String member = TestTokens.bearer(org, "member@" + org + ".dev");
        given().header("Authorization", member).get("/api/v1/secrets").then().statusCode(200).body("secrets.name", equalTo(List.of("SHODAN_KEY")));
        given().header("Authorization", member).contentType(ContentType.JSON)
                .body(Map.of("name", "SHODAN_KEY", "value", "mine", "hosts", List.of("evil.example.com"))).post("/api/v1/secrets")
                .then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", member).delete("/api/v1/secrets/SHODAN_KEY").then().statusCode(403).body("code", equalTo("forbidden"));
        assertThat(resolve(org, List.of("SHODAN_KEY"))).containsExactly(Map.entry("SHODAN_KEY", value + "-2"));

        given().header("Authorization", token).delete("/api/v1/secrets/SHODAN_KEY").then().statusCode(204);
        given().header("Authorization", token).delete("/api/v1/secrets/SHODAN_KEY").then().statusCode(404);
        assertThat(resolve(org, List.of("SHODAN_KEY"))).isEmpty();
    }

    /** What a run naming these secrets gets (the vault works on a Vert.x context, as in the runtime). */
    private Map<String, String> resolve(String org, List<String> names) {
        return resolve(org, "anyone@" + org + ".dev", names);
    }

    /** What a run of a task {@code user} created gets when it names these secrets. */
    private Map<String, String> resolve(String org, String user, List<String> names) {
        return onVertxContext(() -> vault.resolve(org, user, names));
    }

    @Test
    void aSecretBoundToSomeMembersIsFilledInOnlyForTheirTasksRuns() {
        String org = "vault-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestTokens.adminBearer(org, "keeper@" + org + ".dev");
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("name", "DEPLOY_KEY", "value", "only-for-ops", "hosts", List.of("api.example.com"),
                        "users", List.of("Ops@" + org + ".dev")))
                .post("/api/v1/secrets").then().statusCode(201).body("users", equalTo(List.of("ops@" + org + ".dev")));
        given().header("Authorization", token).get("/api/v1/secrets").then().statusCode(200)
                .body("secrets[0].users", equalTo(List.of("ops@" + org + ".dev")));

        assertThat(resolve(org, "ops@" + org + ".dev", List.of("DEPLOY_KEY"))).containsExactly(Map.entry("DEPLOY_KEY", "only-for-ops"));
        assertThat(resolve(org, "OPS@" + org + ".dev", List.of("DEPLOY_KEY"))).containsExactly(Map.entry("DEPLOY_KEY", "only-for-ops"));
        // another member's task names it: its runs get nothing, as if it did not exist
        assertThat(resolve(org, "intern@" + org + ".dev", List.of("DEPLOY_KEY"))).isEmpty();

        // stored again without users: every member's runs may use it
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("name", "DEPLOY_KEY", "value", "for-everyone", "hosts", List.of("api.example.com")))
                .post("/api/v1/secrets").then().statusCode(200).body("users", equalTo(List.of()));
        assertThat(resolve(org, "intern@" + org + ".dev", List.of("DEPLOY_KEY"))).containsExactly(Map.entry("DEPLOY_KEY", "for-everyone"));
    }

    private <T> T onVertxContext(java.util.function.Supplier<Uni<T>> work) {
        return OnVertxContext.await(vertx, work);
    }

    @Test
    void aSecretStoredBeforeHostsWereRequiredIsListedWithoutHostsAndGoesNowhere() {
        String org = "vault-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestTokens.adminBearer(org, "keeper@" + org + ".dev");
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("name", "OLD_KEY", "value", "old-value", "hosts", List.of("api.example.com"))).post("/api/v1/secrets")
                .then().statusCode(201);
        // as a row from before the migration: no hosts
        pool.preparedQuery("UPDATE task.secret SET hosts = NULL WHERE org = $1").execute(Tuple.of(org)).await().indefinitely();
        given().header("Authorization", token).get("/api/v1/secrets").then().statusCode(200)
                .body("secrets[0].name", equalTo("OLD_KEY")).body("secrets[0].hosts", equalTo(List.of()));
    }

    @Inject
    dev.relay.task.secrets.Resealer resealer;

    @Inject
    dev.relay.task.secrets.SecretCipher cipher;

    /** After a rotation: values sealed under the old key (id "0", kept in relay.secrets.old-keys) open, and move to the current key. */
    @Test
    void aValueSealedUnderAnOldKeyStillOpensAndIsResealedUnderTheCurrentKey() {
        String org = "ring-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestTokens.adminBearer(org, "keeper@" + org + ".dev");
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("name", "ROTATED", "value", "placeholder", "hosts", List.of("api.example.com"))).post("/api/v1/secrets")
                .then().statusCode(201);
        given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", "https://hooks.example.com/relay"))
                .put("/api/v1/webhook").then().statusCode(201);
        // as written before the rotation: sealed with the old key, which is no longer the current one
        dev.relay.task.secrets.SecretCipher old = new dev.relay.task.secrets.SecretCipher(new OldKey());
        pool.preparedQuery("UPDATE task.secret SET sealed = $1, key_id = '0' WHERE org = $2")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(old.seal(org, "ROTATED", "sealed before the rotation")), org))
                .await().indefinitely();
        pool.preparedQuery("UPDATE task.webhook SET sealed = $1, key_id = '0' WHERE org = $2")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(old.seal(org, "webhook-signing-secret", "whsec_old")), org))
                .await().indefinitely();
        assertThat(old.keyId()).isEqualTo("0").isNotEqualTo(cipher.keyId());
        assertThat(resolve(org, List.of("ROTATED"))).containsExactly(Map.entry("ROTATED", "sealed before the rotation"));

        onVertxContext(resealer::reseal);
        var secretRow = pool.preparedQuery("SELECT key_id, sealed FROM task.secret WHERE org = $1").execute(Tuple.of(org))
                .await().indefinitely().iterator().next();
        assertThat(secretRow.getString("key_id")).isEqualTo(cipher.keyId());
        assertThat(resolve(org, List.of("ROTATED"))).containsExactly(Map.entry("ROTATED", "sealed before the rotation"));
        var webhookRow = pool.preparedQuery("SELECT key_id, sealed FROM task.webhook WHERE org = $1").execute(Tuple.of(org))
                .await().indefinitely().iterator().next();
        assertThat(webhookRow.getString("key_id")).isEqualTo(cipher.keyId());
        assertThat(cipher.open(org, "webhook-signing-secret", webhookRow.getBuffer("sealed").getBytes(), cipher.keyId())).isEqualTo("whsec_old");
    }

    /** An admin re-seals its organization's values at once (after a rotation); a member may not, and no other organization's move. */
    @Test
    void anAdminReSealsItsOrganizationsValuesUnderTheCurrentKeyAndNoOtherOrganizations() {
        String org = "reseal-" + UUID.randomUUID().toString().substring(0, 8);
        String other = "reseal-" + UUID.randomUUID().toString().substring(0, 8);
        for (String each : List.of(org, other)) {
            given().header("Authorization", TestTokens.adminBearer(each, "keeper@" + each + ".dev")).contentType(ContentType.JSON)
                    .body(Map.of("name", "ROTATED", "value", "value of " + each, "hosts", List.of("api.example.com"))).post("/api/v1/secrets")
                    .then().statusCode(201);
        }
        String token = TestTokens.adminBearer(org, "keeper@" + org + ".dev");
        given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("url", "https://hooks.example.com/relay"))
                .put("/api/v1/webhook").then().statusCode(201);
        dev.relay.task.secrets.SecretCipher old = new dev.relay.task.secrets.SecretCipher(new OldKey());
        for (String each : List.of(org, other)) {
            pool.preparedQuery("UPDATE task.secret SET sealed = $1, key_id = '0' WHERE org = $2")
                    .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(old.seal(each, "ROTATED", "sealed before the rotation in " + each)), each))
                    .await().indefinitely();
        }
        pool.preparedQuery("UPDATE task.webhook SET sealed = $1, key_id = '0' WHERE org = $2")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(old.seal(org, "webhook-signing-secret", "whsec_old")), org))
                .await().indefinitely();

        given().header("Authorization", TestTokens.bearer(org, "member@" + org + ".dev")).post("/api/v1/secrets/reseal")
                .then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", token).post("/api/v1/secrets/reseal").then().statusCode(200)
                .body("key_id", equalTo(cipher.keyId())).body("resealed", equalTo(2)).body("remaining", equalTo(0));

        assertThat(keyIdOf("secret", org)).isEqualTo(cipher.keyId());
        assertThat(keyIdOf("webhook", org)).isEqualTo(cipher.keyId());
        assertThat(resolve(org, List.of("ROTATED"))).containsExactly(Map.entry("ROTATED", "sealed before the rotation in " + org));
        assertThat(keyIdOf("secret", other)).as("another organization's value is left to its admins and the background passes").isEqualTo("0");
        assertThat(resolve(other, List.of("ROTATED"))).containsExactly(Map.entry("ROTATED", "sealed before the rotation in " + other));
        given().header("Authorization", token).post("/api/v1/secrets/reseal").then().statusCode(200)
                .body("resealed", equalTo(0)).body("remaining", equalTo(0));
        onVertxContext(resealer::reseal);
        assertThat(keyIdOf("secret", other)).isEqualTo(cipher.keyId());
    }

    /** A value under a key in no ring cannot be opened: it is left where it is and counted, and the others still move. */
    @Test
    void aValueUnderAKeyInNoRingIsLeftAndCountedWhileTheOthersAreResealed() {
        String org = "unopenable-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestTokens.adminBearer(org, "keeper@" + org + ".dev");
        for (String name : List.of("MOVES", "STUCK")) {
            given().header("Authorization", token).contentType(ContentType.JSON)
                    .body(Map.of("name", name, "value", "value of " + name, "hosts", List.of("api.example.com"))).post("/api/v1/secrets")
                    .then().statusCode(201);
        }
        dev.relay.task.secrets.SecretCipher old = new dev.relay.task.secrets.SecretCipher(new OldKey());
        pool.preparedQuery("UPDATE task.secret SET sealed = $1, key_id = '0' WHERE org = $2 AND name = 'MOVES'")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(old.seal(org, "MOVES", "sealed under key 0")), org)).await().indefinitely();
        pool.preparedQuery("UPDATE task.secret SET key_id = 'gone' WHERE org = $1 AND name = 'STUCK'").execute(Tuple.of(org))
                .await().indefinitely();

        given().header("Authorization", token).post("/api/v1/secrets/reseal").then().statusCode(200)
                .body("resealed", equalTo(1)).body("remaining", equalTo(1));
        assertThat(resolve(org, List.of("MOVES"))).containsExactly(Map.entry("MOVES", "sealed under key 0"));
        onVertxContext(resealer::reseal); // the background pass leaves it too, instead of failing on it
        given().header("Authorization", token).delete("/api/v1/secrets/STUCK").then().statusCode(204);
    }

    private String keyIdOf(String table, String org) {
        return pool.preparedQuery("SELECT key_id FROM task." + table + " WHERE org = $1").execute(Tuple.of(org))
                .await().indefinitely().iterator().next().getString("key_id");
    }

    /** The ring before the rotation: key "0" current. */
    private static final class OldKey implements dev.relay.task.secrets.SecretsConfig {
        @Override
        public java.util.Optional<String> key() {
            return java.util.Optional.of("cmVsYXktb2xkLXRlc3Qta2V5LTMyLWJ5dGVzLSEhISE=");
        }

        @Override
        public String keyId() {
            return "0";
        }

        @Override
        public Map<String, String> oldKeys() {
            return Map.of();
        }

        @Override
        public Duration resealInterval() {
            return Duration.ofMinutes(1);
        }

        @Override
        public int resealBatch() {
            return 200;
        }
    }

    @Test
    void aBadNameValueOrHostsIsA400() {
        String token = TestTokens.adminBearer("vault", "keeper@vault.dev");
        List<String> hosts = List.of("api.example.com");
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("name", "1BAD", "value", "v", "hosts", hosts),
                Map.of("name", "bad-name", "value", "v", "hosts", hosts),
                Map.of("name", "OK", "hosts", hosts), Map.of("name", "OK", "value", "", "hosts", hosts), Map.of("value", "v", "hosts", hosts),
                Map.of("name", "OK", "value", "v"), Map.of("name", "OK", "value", "v", "hosts", List.of()),
                Map.of("name", "OK", "value", "v", "hosts", List.of("https://api.example.com/")),
                Map.of("name", "OK", "value", "v", "hosts", List.of("api.example.com:8443")),
                Map.of("name", "OK", "value", "v", "hosts", hosts, "users", List.of("a@x.dev,b@x.dev")),
                Map.of("name", "OK", "value", "v", "hosts", hosts, "users", List.of(" ")))) {
            given().header("Authorization", token).contentType(ContentType.JSON).body(body).post("/api/v1/secrets")
                    .then().statusCode(400).body("code", equalTo("invalid_request"));
        }
    }
}
