package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.k8s.Manifests.Document;

/**
 * What the production overlay promises an operator who exposes it, in the overlay as Kustomize renders it: HTTPS only
 * (the plain-HTTP listener redirects, no API route is served on it); every service's Kafka clients on SASL_SSL with
 * SCRAM-SHA-512 as their own KafkaUser, trusting the Strimzi cluster's CA, at the TLS listener the NetworkPolicies let
 * them reach (and no plaintext port); a per-address rate limit on the Gateway.
 */
class ProdOverlayTest {

    private static final String PROD = "overlays/prod";

    @Test
    void plainHttpOnlyRedirectsToHttpsAndEveryApiRouteIsOnTheHttpsListener() {
        List<Document> prod = render(PROD);
        assertThat(httpsProblems(prod)).isEmpty();
        assertThat(ofKind(prod, "HTTPRoute")).filteredOn(ProdOverlayTest::isRedirect).isNotEmpty();
        Document gateway = ofKind(prod, "Gateway").get(0);
        assertThat(listeners(gateway)).containsEntry("https", "HTTPS").containsEntry("http", "HTTP");
        assertThat(gateway.node().findValues("certificateRefs").toString()).contains("relay-tls");

        // the check finds a route that serves the API on plain HTTP, and the dev overlay's routes that attach to every listener
        List<Document> oneOnHttp = prod.stream().map(document -> {
            if (!document.kind().equals("HTTPRoute") || !document.name().equals("task-service")) {
                return document;
            }
            ObjectNode route = document.object().deepCopy();
            ((ObjectNode) route.path("spec").path("parentRefs").path(0)).put("sectionName", "http");
            return new Document(document.source(), route);
        }).toList();
        assertThat(httpsProblems(oneOnHttp)).isNotEmpty().allSatisfy(problem -> assertThat(problem).contains("HTTPRoute task-service"))
                .anySatisfy(problem -> assertThat(problem).contains("served on plain HTTP"));
        assertThat(httpsProblems(render("overlays/dev"))).anySatisfy(problem -> assertThat(problem).contains("every listener"));
    }

    @Test
    void everyServiceTalksToKafkaOverSaslSslAsItsOwnScramUser() {
        List<Document> prod = render(PROD);
        Set<String> clusters = ofKind(prod, "KafkaUser").stream()
                .map(user -> user.node().path("metadata").path("labels").path("strimzi.io/cluster").asText()).collect(Collectors.toSet());
        assertThat(clusters).hasSize(1);
        String cluster = clusters.iterator().next();
        Set<String> users = ofKind(prod, "KafkaUser").stream().map(Document::name).collect(Collectors.toSet());
        List<Document> deployments = ofKind(prod, "Deployment");
        assertThat(deployments).hasSameSizeAs(KafkaAccessTest.SERVICES);
        for (Document deployment : deployments) {
            Map<String, JsonNode> env = environment(deployment, prod);
            assertThat(text(env, "KAFKA_BOOTSTRAP_SERVERS")).as("%s", deployment).isEqualTo(cluster + "-kafka-bootstrap:9093");
            assertThat(text(env, "KAFKA_SECURITY_PROTOCOL")).as("%s", deployment).isEqualTo("SASL_SSL");
            assertThat(text(env, "KAFKA_SASL_MECHANISM")).as("%s", deployment).isEqualTo("SCRAM-SHA-512");
            // its own user's login, from the Secret Strimzi's User Operator writes for that KafkaUser
            JsonNode login = env.get("KAFKA_SASL_JAAS_CONFIG").path("valueFrom").path("secretKeyRef");
            assertThat(login.path("name").asText()).as("%s", deployment).isEqualTo(KafkaAccessTest.userOf(deployment.name()));
            assertThat(users).contains(login.path("name").asText());
            assertThat(login.path("key").asText()).isEqualTo("sasl.jaas.config");
            // the broker's certificate is checked against the cluster CA Strimzi keeps, mounted where the client looks
            assertThat(text(env, "KAFKA_SSL_TRUSTSTORE_TYPE")).isEqualTo("PEM");
            String truststore = text(env, "KAFKA_SSL_TRUSTSTORE_LOCATION");
            assertThat(mountedSecretFile(deployment, truststore)).as("%s mounts %s", deployment, truststore)
                    .isEqualTo(cluster + "-cluster-ca-cert/ca.crt");
        }
    }

    @Test
    void theNetworkPoliciesLetEveryServiceReachTheBrokersTlsListenerOnly() {
        List<Document> prod = render(PROD);
        List<Document> policies = ofKind(prod, "NetworkPolicy");
        assertThat(policies).hasSameSizeAs(KafkaAccessTest.SERVICES);
        for (Document policy : policies) {
            Set<Integer> ports = new TreeSet<>();
            policy.node().path("spec").path("egress").forEach(rule -> rule.path("ports").forEach(port -> ports.add(port.path("port").asInt())));
            assertThat(ports).as("%s egress", policy).contains(9093).doesNotContain(9092);
        }
        // the dev overlay keeps the plaintext port
        assertThat(ofKind(render("overlays/dev"), "NetworkPolicy").get(0).node().path("spec").path("egress").toString()).contains("9092");
    }

    @Test
    void theGatewayLimitsEachClientAddress() {
        List<Document> policies = ofKind(render(PROD), "BackendTrafficPolicy");
        assertThat(policies).singleElement().satisfies(policy -> {
            JsonNode spec = policy.node().path("spec");
            assertThat(spec.path("targetRefs")).anySatisfy(target -> {
                assertThat(target.path("kind").asText()).isEqualTo("Gateway");
                assertThat(target.path("name").asText()).isEqualTo("relay");
            });
            assertThat(spec.path("rateLimit").path("type").asText()).isEqualTo("Local");
            List<String> addresses = new ArrayList<>();
            for (JsonNode rule : spec.path("rateLimit").path("local").path("rules")) {
                assertThat(rule.path("limit").path("requests").asInt()).isPositive();
                rule.path("clientSelectors").forEach(selector -> {
                    assertThat(selector.path("sourceCIDR").path("type").asText()).as("a bucket per address").isEqualTo("Distinct");
                    addresses.add(selector.path("sourceCIDR").path("value").asText());
                });
            }
            assertThat(addresses).contains("0.0.0.0/0");
            assertThat(StrictModels.problems(policy.node())).isEmpty();
        });
    }

    /** What keeps the Gateway from being HTTPS only: routes served on plain HTTP, routes on no listener, no redirect. */
    static List<String> httpsProblems(List<Document> documents) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> gateways = new HashMap<>();
        ofKind(documents, "Gateway").forEach(gateway -> gateways.put(gateway.name(), listeners(gateway)));
        gateways.forEach((name, listeners) -> {
            if (!listeners.containsValue("HTTPS")) {
                problems.add("Gateway " + name + " has no HTTPS listener");
            }
        });
        Map<String, Integer> redirects = new HashMap<>();
        for (Document route : ofKind(documents, "HTTPRoute")) {
            boolean redirect = isRedirect(route);
            boolean onHttps = false;
            for (JsonNode parent : route.node().path("spec").path("parentRefs")) {
                Map<String, String> listeners = gateways.getOrDefault(parent.path("name").asText(), Map.of());
                String section = parent.path("sectionName").asText();
                if (section.isEmpty()) {
                    problems.add(route + " attaches to every listener of " + parent.path("name").asText() + " (no sectionName)");
                    continue;
                }
                String protocol = listeners.get(section);
                if (protocol == null) {
                    problems.add(route + " attaches to listener " + section + ", which its Gateway does not have");
                } else if (protocol.equals("HTTP")) {
                    if (redirect) {
                        redirects.merge(parent.path("name").asText() + "/" + section, 1, Integer::sum);
                    } else {
                        problems.add(route + " is served on plain HTTP (listener " + section + ") instead of redirecting to https");
                    }
                } else if (protocol.equals("HTTPS")) {
                    onHttps = true;
                }
            }
            if (!redirect && !onHttps) {
                problems.add(route + " is on no HTTPS listener");
            }
        }
        gateways.forEach((name, listeners) -> listeners.forEach((section, protocol) -> {
            if (protocol.equals("HTTP") && !redirects.containsKey(name + "/" + section)) {
                problems.add("Gateway " + name + " listener " + section + " (HTTP) has no redirect to https");
            }
        }));
        return problems;
    }

    /** A route whose every rule only redirects to https with 301, and sends nothing to a backend. */
    static boolean isRedirect(Document route) {
        JsonNode rules = route.node().path("spec").path("rules");
        if (rules.isEmpty()) {
            return false;
        }
        for (JsonNode rule : rules) {
            if (!rule.path("backendRefs").isEmpty()) {
                return false;
            }
            boolean redirects = false;
            for (JsonNode filter : rule.path("filters")) {
                JsonNode redirect = filter.path("requestRedirect");
                redirects |= filter.path("type").asText().equals("RequestRedirect") && redirect.path("scheme").asText().equals("https")
                        && redirect.path("statusCode").asInt() == 301;
            }
            if (!redirects) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> listeners(Document gateway) {
        Map<String, String> listeners = new HashMap<>();
        gateway.node().path("spec").path("listeners").forEach(listener -> listeners.put(listener.path("name").asText(),
                listener.path("protocol").asText()));
        return listeners;
    }

    /** The container's environment: its ConfigMaps' entries (as values), then its own entries (as written), by name. */
    private static Map<String, JsonNode> environment(Document deployment, List<Document> documents) {
        JsonNode container = deployment.node().path("spec").path("template").path("spec").path("containers").path(0);
        Map<String, JsonNode> env = new HashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            String configMap = source.path("configMapRef").path("name").asText();
            ofKind(documents, "ConfigMap").stream().filter(map -> map.name().equals(configMap)).findFirst()
                    .ifPresent(map -> map.node().path("data").properties().forEach(entry -> env.put(entry.getKey(),
                            JsonNodeFactory.instance.objectNode().put("name", entry.getKey()).put("value", entry.getValue().asText()))));
        }
        container.path("env").forEach(variable -> env.put(variable.path("name").asText(), variable));
        return env;
    }

    private static String text(Map<String, JsonNode> env, String name) {
        JsonNode variable = env.get(name);
        return variable == null ? null : variable.path("value").asText(null);
    }

    /** "secret/key" of the Secret's key a container sees at {@code file}, or null when no Secret volume holds it. */
    private static String mountedSecretFile(Document deployment, String file) {
        JsonNode pod = deployment.node().path("spec").path("template").path("spec");
        for (JsonNode mount : pod.path("containers").path(0).path("volumeMounts")) {
            String directory = mount.path("mountPath").asText();
            if (file == null || !file.startsWith(directory + "/")) {
                continue;
            }
            String name = file.substring(directory.length() + 1);
            for (JsonNode volume : pod.path("volumes")) {
                if (!volume.path("name").asText().equals(mount.path("name").asText()) || !volume.has("secret")) {
                    continue;
                }
                JsonNode secret = volume.path("secret");
                if (secret.path("items").isEmpty()) {
                    return secret.path("secretName").asText() + "/" + name;
                }
                for (JsonNode item : secret.path("items")) {
                    if (item.path("path").asText().equals(name)) {
                        return secret.path("secretName").asText() + "/" + item.path("key").asText();
                    }
                }
            }
        }
        return null;
    }

    private static List<Document> render(String directory) {
        assumeTrue(Manifests.kubectlInstalled(), "kubectl is not installed: Kustomize cannot render " + directory);
        return Manifests.rendered(directory).orElseThrow();
    }

    private static List<Document> ofKind(List<Document> documents, String kind) {
        return documents.stream().filter(document -> document.kind().equals(kind)).toList();
    }
}
