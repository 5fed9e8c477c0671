package dev.relay.common.ratelimit;

import java.lang.reflect.Method;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.error.ErrorMappers;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Counts every authenticated request of every resource against its caller's rate limits, so an operation added later
 * cannot forget them: its class comes from {@link RateLimited}, else from its HTTP method. Anonymous requests (refused
 * later, or signed links whose issue was counted) are left to the gateway's per-address limits.
 */
public class RateLimitFilter {

    private final CurrentIdentityAssociation identity;
    private final RateLimiter limiter;

    public RateLimitFilter(CurrentIdentityAssociation identity, RateLimiter limiter) {
        this.identity = identity;
        this.limiter = limiter;
    }

    @ServerRequestFilter
    public Uni<Response> limit(ContainerRequestContext request, ResourceInfo resource) {
        OperationClass operation = classOf(request.getMethod(), resource);
        return identity.getDeferredIdentity()
                .onFailure().recoverWithNull() // the resource's own check answers 401 with the error body
                .chain(caller -> caller == null || caller.isAnonymous() ? Uni.createFrom().nullItem() : take(caller, operation));
    }

    private Uni<Response> take(SecurityIdentity identity, OperationClass operation) {
        Caller caller;
        try {
            caller = Caller.from(identity);
        } catch (RuntimeException unidentified) {
            return Uni.createFrom().nullItem(); // refused by the resource with its own reason
        }
        return limiter.take(caller, operation)
                .map(ignored -> (Response) null)
                .onFailure(ApiException.class).recoverWithItem(ErrorMappers::toResponse)
                // anything else (a worker pool that refused the check) lets the request through: a brake, not a gate
                .onFailure().recoverWithNull();
    }

    static OperationClass classOf(String httpMethod, ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        RateLimited marked = method == null ? null : method.getAnnotation(RateLimited.class);
        if (marked != null) {
            return marked.value();
        }
        return "GET".equals(httpMethod) || "HEAD".equals(httpMethod) || "OPTIONS".equals(httpMethod)
                ? OperationClass.READS : OperationClass.SETTINGS;
    }
}
