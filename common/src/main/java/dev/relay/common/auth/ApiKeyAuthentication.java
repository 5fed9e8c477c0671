package dev.relay.common.auth;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates requests that carry an {@value ApiKeys#HEADER} header (a bearer token is the other way in): the
 * key's hash is looked up in the service's {@link ApiKeyDirectory}; an unknown or revoked key is a 401.
 */
@ApplicationScoped
public class ApiKeyAuthentication implements HttpAuthenticationMechanism {

    /** The identity attribute holding the key owner's organization. */
    public static final String ORG_ATTRIBUTE = "relay.org";
    /** The identity attribute holding the hash of the key it was authenticated by (absent for a token). */
    public static final String KEY_HASH_ATTRIBUTE = "relay.api-key-hash";
    /** The identity attribute set (true) when the key may only read ({@link ReadOnlyKeyFilter}). */
    public static final String READ_ONLY_ATTRIBUTE = "relay.api-key-read-only";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String key = context.request().getHeader(ApiKeys.HEADER);
        if (key == null || key.isBlank()) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(new KeyRequest(key.strip()));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(KeyRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.OTHER_HEADER, ApiKeys.HEADER));
    }

    /** An API key as presented. */
    public static final class KeyRequest extends BaseAuthenticationRequest {
        private final String key;

        KeyRequest(String key) {
            this.key = key;
        }
    }

    /** Turns a known key into the identity of its owner. */
    @ApplicationScoped
    public static class KeyIdentityProvider implements IdentityProvider<KeyRequest> {

        private final Instance<ApiKeyDirectory> directory;

        public KeyIdentityProvider(Instance<ApiKeyDirectory> directory) {
            this.directory = directory;
        }

        @Override
        public Class<KeyRequest> getRequestType() {
            return KeyRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(KeyRequest request, AuthenticationRequestContext context) {
            if (!ApiKeys.looksLikeKey(request.key) || !directory.isResolvable()) {
                return Uni.createFrom().failure(new AuthenticationFailedException("not an API key of this service"));
            }
            String hash = ApiKeys.hash(request.key);
            return directory.get().ownerOf(hash).map(owner -> {
                if (owner == null) {
                    throw new AuthenticationFailedException("unknown, revoked or expired API key");
                }
                return QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(owner.caller().email()))
                        .addAttribute(ORG_ATTRIBUTE, owner.caller().org())
                        .addAttribute(KEY_HASH_ATTRIBUTE, hash)
                        .addAttribute(READ_ONLY_ATTRIBUTE, owner.readOnly())
                        .addRoles(owner.caller().roles())
                        .build();
            });
        }
    }
}
