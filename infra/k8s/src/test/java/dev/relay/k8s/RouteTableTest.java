package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.k8s.Manifests.Document;
import dev.relay.k8s.RouteTable.Route;

/**
 * The Kubernetes HTTPRoutes and the nginx dev gateway are one route table: they hold the same matches for the same
 * services, and both send every operation of every service's OpenAPI document (stored by the service's build) to
 * that service.
 */
class RouteTableTest {

    private static final Path NGINX = Manifests.ROOT.resolve("infra/gateway/nginx.conf.template");

    @Test
    void theGatewaysHoldTheSameRoutes() {
        Set<Route> kubernetes = normalized(RouteTable.fromHttpRoutes(Manifests.baseFiles()));
        Set<Route> nginx = normalized(RouteTable.fromNginx(Manifests.read(NGINX)));
        assertThat(kubernetes).hasSizeGreaterThanOrEqualTo(9).containsExactlyInAnyOrderElementsOf(nginx);
    }

    @Test
    void everyOperationOfEveryServiceIsRoutedToItByBothGateways() {
        Map<String, String> operations = operations();
        assertThat(operations).hasSizeGreaterThan(15);
        assertThat(misrouted(operations, RouteTable.fromHttpRoutes(Manifests.baseFiles()),
                RouteTable.fromNginx(Manifests.read(NGINX)))).isEmpty();
    }

    @Test
    void anOperationWithoutARouteIsFound() {
        List<Document> withoutSchedules = Manifests.baseFiles().stream()
                .filter(document -> !(document.kind().equals("HTTPRoute") && document.name().equals("schedule-service")))
                .toList();
        String nginxWithoutUsage = Manifests.read(NGINX).replaceAll("(?s)location /api/v1/usage \\{.*?\\}", "");
        Map<String, String> misrouted = misrouted(operations(), RouteTable.fromHttpRoutes(withoutSchedules),
                RouteTable.fromNginx(nginxWithoutUsage));
        assertThat(misrouted).containsKeys("/api/v1/schedules", "/api/v1/schedules/x1/pause", "/api/v1/usage");
        assertThat(misrouted.get("/api/v1/schedules")).contains("HTTPRoute: nowhere");
        assertThat(misrouted.get("/api/v1/usage")).contains("nginx: nowhere");
    }

    /** Sample path of each operation → the service whose document has it. */
    private static Map<String, String> operations() {
        Map<String, String> operations = new TreeMap<>();
        for (String service : Manifests.SERVICES) {
            JsonNode paths = Manifests.openApi(service).path("paths");
            paths.fieldNames().forEachRemaining(path -> operations.put(path.replaceAll("\\{[^}]+}", "x1"), service));
        }
        return operations;
    }

    /** Path → what went wrong, for each operation a gateway does not send to its service. */
    private static Map<String, String> misrouted(Map<String, String> operations, List<Route> kubernetes, List<Route> nginx) {
        Map<String, String> misrouted = new TreeMap<>();
        operations.forEach((path, service) -> {
            List<String> wrong = new ArrayList<>();
            Optional<String> byKubernetes = RouteTable.gatewayApiRoute(kubernetes, path);
            Optional<String> byNginx = RouteTable.nginxRoute(nginx, path);
            if (!byKubernetes.equals(Optional.of(service))) {
                wrong.add("HTTPRoute: " + byKubernetes.orElse("nowhere"));
            }
            if (!byNginx.equals(Optional.of(service))) {
                wrong.add("nginx: " + byNginx.orElse("nowhere"));
            }
            if (!wrong.isEmpty()) {
                misrouted.put(path, service + " expected; " + String.join(", ", wrong));
            }
        });
        return misrouted;
    }

    private static Set<Route> normalized(List<Route> routes) {
        return routes.stream().map(Route::normalized).collect(Collectors.toSet());
    }
}
