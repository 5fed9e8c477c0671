package dev.relay.common.auth;

import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorMappers;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * A read-only API key reads: any request of it but a GET, HEAD or OPTIONS is a 403 with the error body, whatever the
 * operation, so an operation added later cannot forget the check.
 */
public class ReadOnlyKeyFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final CurrentIdentityAssociation identity;

    public ReadOnlyKeyFilter(CurrentIdentityAssociation identity) {
        this.identity = identity;
    }

    @ServerRequestFilter
    public Uni<Response> refuseWritesOfReadOnlyKeys(ContainerRequestContext request) {
        if (READS.contains(request.getMethod()) || request.getHeaderString(ApiKeys.HEADER) == null) {
            return Uni.createFrom().nullItem();
        }
        return identity.getDeferredIdentity().map(caller -> Boolean.TRUE.equals(caller.getAttribute(ApiKeyAuthentication.READ_ONLY_ATTRIBUTE))
                ? ErrorMappers.toResponse(ApiException.forbidden("this API key may only read (its scope is 'read')"))
                : null);
    }
}
