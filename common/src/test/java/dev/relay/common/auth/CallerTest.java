package dev.relay.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import dev.relay.common.error.ApiException;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

class CallerTest {

    private static JsonWebToken token(String org, String upn, List<String> groups) {
        JwtClaims claims = new JwtClaims();
        if (org != null) {
            claims.setClaim("org", org);
        }
        claims.setClaim("upn", upn);
        claims.setStringListClaim("groups", groups);
        return new DefaultJWTCallerPrincipal(claims);
    }

    @Test
    void aTokenSaysWhoCallsEachTimeItIsRead() {
        JsonWebToken acme = token("acme", "sam@example.dev", List.of("user", "admin"));
        JsonWebToken globex = token("globex", "sam@example.dev", List.of("user"));

        Caller first = Caller.from(acme);

        assertThat(first).isEqualTo(new Caller("acme", "sam@example.dev", Set.of("user", "admin")));
        assertThat(Caller.from(acme)).isSameAs(first);
        // the same user's token of another organization is another caller, however alike the tokens are
        assertThat(Caller.from(globex)).isEqualTo(new Caller("globex", "sam@example.dev", Set.of("user")));
        assertThat(Caller.from(acme)).isEqualTo(first);
    }

    @Test
    void aTokenWithoutAnOrganizationIsRefusedEveryTime() {
        JsonWebToken orgless = token(null, "sam@example.dev", List.of("user"));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> Caller.from(orgless)).isInstanceOf(ApiException.class).hasMessageContaining("'org' claim");
        }
    }

    @Test
    void aTokenThatIsNotAParsedTokenOfItsOwnIsReadAfreshEveryTime() {
        // as an injected JsonWebToken is: one proxy whose claims are each request's own
        Map<String, Object> claims = new HashMap<>(Map.of("org", "acme", "upn", "ann@acme.dev"));
        JsonWebToken proxy = new JsonWebToken() {
            @Override
            public String getName() {
                return (String) claims.get("upn");
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };

        assertThat(Caller.from(proxy).org()).isEqualTo("acme");
        claims.put("org", "globex");
        claims.put("upn", "gil@globex.dev");
        assertThat(Caller.from(proxy)).isEqualTo(new Caller("globex", "gil@globex.dev", Set.of()));
    }
}
