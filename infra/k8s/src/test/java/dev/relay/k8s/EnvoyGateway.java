package dev.relay.k8s;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The part of Envoy Gateway's BackendTrafficPolicy (gateway.envoyproxy.io/v1alpha1) the prod overlay uses — targets
 * and a local rate limit — written after its API types (api/v1alpha1 backendtrafficpolicy_types.go and
 * ratelimit_types.go); there is no Java model to borrow. Strict like the others: a field outside this subset is
 * refused, so a policy that grows one makes this model grow with it.
 */
public final class EnvoyGateway {

    private EnvoyGateway() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BackendTrafficPolicy(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {
    }

    public record Spec(List<TargetRef> targetRefs, RateLimit rateLimit) {
    }

    public record TargetRef(String group, String kind, String name, String sectionName) {
    }

    public record RateLimit(RateLimitType type, Local local) {
    }

    public enum RateLimitType { Global, Local }

    public record Local(List<Rule> rules) {
    }

    public record Rule(List<ClientSelector> clientSelectors, Limit limit) {
    }

    public record ClientSelector(SourceCidr sourceCIDR) {
    }

    public record SourceCidr(SourceMatchType type, String value) {
    }

    public enum SourceMatchType { Exact, Distinct }

    public record Limit(int requests, Unit unit) {
    }

    public enum Unit { Second, Minute, Hour, Day, Month, Year }
}
