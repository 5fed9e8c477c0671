package dev.relay.task.probe;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.relay.common.auth.VerifiedTokens;
import dev.relay.testsupport.RelayTestResources;
import dev.relay.testsupport.TestTokens;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;

/** The service verifies bearer tokens through {@link VerifiedTokens}: the parser SmallRye JWT's validator is given is it. */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class VerifiedTokensWiringTest {

    @Inject
    JWTParser parser;

    @Test
    void bearerTokensGoThroughTheTokensRememberedOnceVerified() {
        assertThat(ClientProxy.unwrap(parser)).isInstanceOf(VerifiedTokens.class);
        String token = TestTokens.bearer("wiring-org", "someone@wiring.dev");
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", token).when().get("/api/v1/api-keys").then().statusCode(200);
        }
        given().header("Authorization", token + "x").when().get("/api/v1/api-keys").then().statusCode(401);
    }
}
