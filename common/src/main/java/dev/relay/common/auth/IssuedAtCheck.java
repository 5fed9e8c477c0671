package dev.relay.common.auth;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonNumber;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Refuses a token issued later than now plus the clock skew: SmallRye JWT checks {@code exp} and {@code nbf} but
 * not {@code iat}, so a token minted with a future {@code iat} (a stolen signing step, a wrong clock) would be
 * accepted. Every service authenticates through this augmentor, so the check holds for all of them.
 */
@ApplicationScoped
public class IssuedAtCheck implements SecurityIdentityAugmentor {

    private final Clock clock;
    private final int clockSkewSeconds;

    IssuedAtCheck(Clock clock, @ConfigProperty(name = "mp.jwt.verify.clock.skew") int clockSkewSeconds) {
        this.clock = clock;
        this.clockSkewSeconds = clockSkewSeconds;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && issuedInTheFuture(jwt)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the token is issued in the future"));
        }
        return Uni.createFrom().item(identity);
    }

    private boolean issuedInTheFuture(JsonWebToken jwt) {
        Object issuedAt = jwt.getClaim(Claims.iat.name());
        long seconds;
        if (issuedAt instanceof Number number) {
            seconds = number.longValue();
        } else if (issuedAt instanceof JsonNumber number) {
            seconds = number.longValue();
        } else {
            return false;
        }
        return seconds > clock.instant().getEpochSecond() + clockSkewSeconds;
    }
}
