package dev.relay.common.auth;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Remembers the access tokens it verified, so a client that sends the same bearer token on every request pays for
 * the RS256 check and the JSON parsing once, not per request (about a tenth of a create's CPU). Only a token that
 * passed every check of SmallRye JWT's parser (signature, issuer, audience, expiry) is remembered, keyed by its exact
 * text, and only until it expires: a remembered token past its {@code exp} (plus the clock skew) is checked again,
 * and so refused, and the entry itself goes at that time. A token that fails is never remembered, nor is one in any
 * spelling but the compact one (jose4j reads base64url loosely, so one valid token could otherwise take every entry
 * under different spellings). Augmentors such as {@link IssuedAtCheck} still run on every request.
 * {@code relay.auth.verified-tokens} bounds how many are kept (0 turns remembering off), and their total length to that
 * many times {@value #TYPICAL_LENGTH} characters.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    static final int TYPICAL_LENGTH = 2048;

    /** A JWS in compact serialization, nothing else: three base64url parts. */
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final Duration LONGEST = Duration.ofHours(1);

    private final DefaultJWTParser verifier;
    private final Clock clock;
    private final int clockSkewSeconds;
    private final Cache<String, JsonWebToken> verified;
    private final boolean remembering;

    VerifiedTokens(DefaultJWTParser verifier, Clock clock, @ConfigProperty(name = "mp.jwt.verify.clock.skew") int clockSkewSeconds,
            @ConfigProperty(name = "relay.auth.verified-tokens") int capacity) {
        this.verifier = verifier;
        this.clock = clock;
        this.clockSkewSeconds = clockSkewSeconds;
        this.remembering = capacity > 0;
        // an entry goes when its token expires, and at the latest after an hour (a long-lived token is checked hourly)
        this.verified = Caffeine.newBuilder()
                .maximumWeight((long) Math.max(capacity, 1) * TYPICAL_LENGTH)
                .<String, JsonWebToken>weigher((token, jwt) -> token.length())
                .expireAfter(Expiry.<String, JsonWebToken>writing((token, jwt) -> remaining(jwt)))
                .build();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (!remembering) {
            return verifier.parse(token);
        }
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null && !remaining(known).isZero()) {
            return known;
        }
        verified.invalidate(token);
        JsonWebToken checked = verifier.parse(token);
        if (COMPACT.matcher(token).matches()) {
            verified.put(token, checked);
        }
        return checked;
    }

    /** How long the token stays valid (its {@code exp} plus the skew), at most {@link #LONGEST}; zero once expired. */
    private Duration remaining(JsonWebToken token) {
        Duration left = Duration.ofSeconds(token.getExpirationTime() + clockSkewSeconds - clock.instant().getEpochSecond());
        return left.isNegative() ? Duration.ZERO : left.compareTo(LONGEST) > 0 ? LONGEST : left;
    }

    /** Tokens checked against another configuration are never remembered. */
    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
