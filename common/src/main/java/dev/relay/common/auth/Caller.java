package dev.relay.common.auth;

import java.util.Set;

import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.relay.common.error.ApiException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;

/**
 * Who is calling, read from the JWT: the organization ({@value #ORG_CLAIM} claim), the user's email
 * ({@code upn}, else {@code email}, else {@code sub}) and roles ({@code groups}); or the owner of an API key.
 */
public record Caller(String org, String email, Set<String> roles) {

    public static final String ORG_CLAIM = "org";
    /** The role ({@code groups} entry) of an organization's admins. */
    public static final String ADMIN_ROLE = "admin";
    /** The callers read from tokens still in use, by the token object itself (weak keys compare by identity). */
    private static final Cache<JsonWebToken, Caller> READ = Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

    /** The caller of the current request, authenticated by a bearer token or an API key. */
    public static Caller from(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            return from(jwt);
        }
        String org = identity.getAttribute(ApiKeyAuthentication.ORG_ATTRIBUTE);
        if (org == null || identity.isAnonymous()) {
            throw new UnauthorizedException();
        }
        return new Caller(org, identity.getPrincipal().getName(), Set.copyOf(identity.getRoles()));
    }

    /** A token without a string {@value #ORG_CLAIM} claim, or with claims of the wrong type, identifies nobody: 401. */
    public static Caller from(JsonWebToken jwt) {
        // a client's token is verified once and its JsonWebToken reused (VerifiedTokens): so is what it says. Reading a
        // claim SmallRye JWT does not know (org) throws and catches an exception inside it, about 1 % of a create's CPU
        if (!(jwt instanceof JWTCallerPrincipal)) {
            // not a parsed token of its own (an injected JsonWebToken is one proxy for every request): read each time
            return read(jwt);
        }
        Caller known = READ.getIfPresent(jwt);
        if (known != null) {
            return known;
        }
        Caller caller = read(jwt);
        READ.put(jwt, caller);
        return caller;
    }

    private static Caller read(JsonWebToken jwt) {
        String org = text(jwt, ORG_CLAIM);
        if (org == null || org.isBlank()) {
            throw ApiException.unauthorized("the token carries no '" + ORG_CLAIM + "' claim");
        }
        String email = text(jwt, "upn");
        if (email == null) {
            email = text(jwt, "email");
        }
        if (email == null) {
            email = jwt.getSubject();
        }
        if (email == null || email.isBlank()) {
            throw ApiException.unauthorized("the token names no user ('upn', 'email' or 'sub' claim)");
        }
        return new Caller(org, email, groups(jwt));
    }

    private static String text(JsonWebToken jwt, String claim) {
        Object value = jwt.getClaim(claim);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof JsonString json) {
            return json.getString();
        }
        throw ApiException.unauthorized("the token's '" + claim + "' claim is not a string");
    }

    private static Set<String> groups(JsonWebToken jwt) {
        try {
            return jwt.getGroups() == null ? Set.of() : Set.copyOf(jwt.getGroups());
        } catch (RuntimeException notStrings) {
            throw ApiException.unauthorized("the token's 'groups' claim is not a list of strings");
        }
    }

    /** The owner of an API key: a user of its organization, with no roles beyond {@code user}. */
    public static Caller ofApiKey(String org, String email) {
        return new Caller(org, email, Set.of("user"));
    }

    /** Whether the caller administers its organization: its token's {@code groups} hold admin (an API key never does). */
    public boolean isAdmin() {
        return roles.contains(ADMIN_ROLE);
    }

    /** A 403 unless the caller is an admin of its organization; {@code what} says what only an admin may do. */
    public void requireAdmin(String what) {
        if (!isAdmin()) {
            throw ApiException.forbidden("only an admin of organization '" + org + "' may " + what);
        }
    }

    /** A path naming another organization answers 404, exactly as an unknown task would. */
    public void requireOrg(String pathOrg) {
        if (!org.equals(pathOrg)) {
            throw ApiException.notFound("organization '" + pathOrg + "' not found");
        }
    }
}
