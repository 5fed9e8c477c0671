package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The nginx dev gateway's per-address limits: every proxied location counts against the API zone, stream opens
 * against the stream zone too, refusals are 429 with the error body and Retry-After; every placeholder of the template
 * is filled by infra/dev/start.sh and by test-support's Gateway, and the create benchmark (all of its load from one
 * address) raises the limits. That nginx answers so is GatewayEdgesIT's (system-tests).
 */
class GatewayRateLimitTest {

    private static final Path TEMPLATE = Manifests.ROOT.resolve("infra/gateway/nginx.conf.template");
    private static final Pattern LOCATION = Pattern.compile("location\\s+(=|~\\*|~|\\^~)?\\s*(\\S+)\\s*\\{");
    private static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z_]+)@");

    @Test
    void everyProxiedRequestCountsAgainstAPerAddressZone() {
        String template = withoutComments(Manifests.read(TEMPLATE));
        assertThat(template).contains("limit_req_zone $binary_remote_addr zone=relay_api:", "limit_req_zone $binary_remote_addr zone=relay_streams:",
                "limit_req_status 429;", "error_page 429 /_relay_error/429;");
        String server = template.substring(template.indexOf("server {"));
        String serverLevel = server.substring(0, server.indexOf("location"));
        assertThat(serverLevel).contains("limit_req zone=relay_api ");
        Matcher location = LOCATION.matcher(template);
        int proxied = 0;
        while (location.find()) {
            String body = RouteTable.block(template, location.end());
            if (!body.contains("proxy_pass")) {
                continue;
            }
            proxied++;
            // a location's own limit_req replaces the server's: it must name the API zone again
            if (body.contains("limit_req ")) {
                assertThat(body).as("location %s", location.group(2)).contains("limit_req zone=relay_api ");
            }
            if (location.group(2).contains("/events/stream") || location.group(2).startsWith("/api/v1/streams")) {
                assertThat(body).as("stream opens at %s", location.group(2)).contains("limit_req zone=relay_streams ");
            }
        }
        assertThat(proxied).isGreaterThan(8);
        String refusal = RouteTable.block(template, template.indexOf("location = /_relay_error/429 {") + "location = /_relay_error/429 {".length());
        assertThat(refusal).contains("return 429 '{\"error\":\"Too Many Requests\",\"code\":\"too_many_requests\",\"kind\":\"too many requests\"",
                "add_header Retry-After 1 always;", "default_type application/json;");
    }

    @Test
    void everyPlaceholderIsFilledByTheDevStackAndTheTestsGatewayAndTheBenchmarkRaisesTheLimits() {
        Set<String> placeholders = new TreeSet<>();
        Matcher placeholder = PLACEHOLDER.matcher(withoutComments(Manifests.read(TEMPLATE)));
        while (placeholder.find()) {
            placeholders.add(placeholder.group(1));
        }
        assertThat(placeholders).contains("GATEWAY_RATE", "GATEWAY_BURST", "GATEWAY_STREAM_RATE", "GATEWAY_STREAM_BURST");
        String startSh = Manifests.read(Manifests.ROOT.resolve("infra/dev/start.sh"));
        String gatewayJava = Manifests.read(Manifests.ROOT.resolve("infra/test-support/src/main/java/dev/relay/testsupport/Gateway.java"));
        for (String name : placeholders) {
            assertThat(startSh).as("infra/dev/start.sh fills @%s@", name).contains("s#@" + name + "@#");
            assertThat(gatewayJava).as("test-support Gateway fills @%s@", name).contains(".replace(\"@" + name + "@\"");
        }
        assertThat(startSh).contains("${RELAY_GATEWAY_RATE:-", "${RELAY_GATEWAY_STREAM_RATE:-");
        // the benchmarks that go through the gateway start their stack with infra/bench/lib.sh's bench_stack
        assertThat(Manifests.read(Manifests.ROOT.resolve("infra/bench/lib.sh")))
                .contains("RELAY_GATEWAY_RATE=", "RELAY_GATEWAY_BURST=", "RELAY_GATEWAY_STREAM_RATE=", "RELAY_GATEWAY_STREAM_BURST=");
    }

    private static String withoutComments(String configuration) {
        return configuration.replaceAll("(?m)^\\s*#.*$", "");
    }
}
