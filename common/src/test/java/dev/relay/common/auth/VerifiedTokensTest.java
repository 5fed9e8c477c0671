package dev.relay.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final int SKEW = 5;

    /** SmallRye's parser stand-in: a token is "good.<exp>.sig" (valid until exp) or anything else (refused). */
    private static final class CountingVerifier extends DefaultJWTParser {
        final List<String> checked = new ArrayList<>();
        Instant now = NOW;

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            checked.add(token);
            if (!token.startsWith("good.")) {
                throw new ParseException("bad signature");
            }
            long exp = Long.parseLong(token.split("\\.")[1].replaceAll("[^0-9]", ""));
            if (exp + SKEW <= now.getEpochSecond()) {
                throw new ParseException("expired");
            }
            return new Token(exp);
        }
    }

    private record Token(long exp) implements JsonWebToken {
        @Override
        public String getName() {
            return "someone@relay.dev";
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of("exp");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            return "exp".equals(claimName) ? (T) Long.valueOf(exp) : null;
        }
    }

    @Test
    void aTokenThatPassedIsCheckedOnceWhileItIsValid() throws Exception {
        CountingVerifier verifier = new CountingVerifier();
        VerifiedTokens tokens = new VerifiedTokens(verifier, Clock.fixed(NOW, ZoneOffset.UTC), SKEW, 100);
        String token = good(NOW.plusSeconds(600));

        JsonWebToken first = tokens.parse(token);
        for (int i = 0; i < 10; i++) {
            assertThat(tokens.parse(token)).isSameAs(first);
        }
        assertThat(verifier.checked).containsExactly(token);
    }

    @Test
    void aRememberedTokenPastItsExpiryIsCheckedAgainAndRefused() throws Exception {
        CountingVerifier verifier = new CountingVerifier();
        MutableClock clock = new MutableClock(NOW);
        VerifiedTokens tokens = new VerifiedTokens(verifier, clock, SKEW, 100);
        String token = good(NOW.plusSeconds(60));
        tokens.parse(token);

        clock.now = NOW.plusSeconds(60 + SKEW - 1);
        tokens.parse(token);
        assertThat(verifier.checked).hasSize(1);

        clock.now = NOW.plusSeconds(60 + SKEW);
        verifier.now = clock.now;
        assertThatThrownBy(() -> tokens.parse(token)).isInstanceOf(ParseException.class).hasMessage("expired");
        assertThatThrownBy(() -> tokens.parse(token)).isInstanceOf(ParseException.class);
        assertThat(verifier.checked).hasSize(3);
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        CountingVerifier verifier = new CountingVerifier();
        VerifiedTokens tokens = new VerifiedTokens(verifier, Clock.fixed(NOW, ZoneOffset.UTC), SKEW, 100);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> tokens.parse("forged")).isInstanceOf(ParseException.class);
        }
        assertThat(verifier.checked).containsExactly("forged", "forged", "forged");
    }

    @Test
    void noCapacityMeansEveryTokenIsCheckedEveryTime() throws Exception {
        CountingVerifier verifier = new CountingVerifier();
        VerifiedTokens tokens = new VerifiedTokens(verifier, Clock.fixed(NOW, ZoneOffset.UTC), SKEW, 0);
        String token = good(NOW.plusSeconds(600));
        tokens.parse(token);
        tokens.parse(token);
        assertThat(verifier.checked).containsExactly(token, token);
    }

    @Test
    void aTokenSpelledOtherwiseThanCompactIsCheckedEveryTime() throws Exception {
        CountingVerifier verifier = new CountingVerifier();
        VerifiedTokens tokens = new VerifiedTokens(verifier, Clock.fixed(NOW, ZoneOffset.UTC), SKEW, 100);
        // jose4j reads base64url loosely: padding or stray characters in the signature still verify
        String padded = good(NOW.plusSeconds(600)) + "==";
        tokens.parse(padded);
        tokens.parse(padded);
        assertThat(verifier.checked).containsExactly(padded, padded);
    }

    private static String good(Instant expiry) {
        return "good." + expiry.getEpochSecond() + ".sig";
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
