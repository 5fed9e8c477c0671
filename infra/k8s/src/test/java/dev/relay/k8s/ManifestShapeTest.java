package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.k8s.Manifests.Document;

/**
 * What a Relay deployment needs beyond valid documents: each service probed on its health endpoints, with requests
 * and limits, a Service, a PodDisruptionBudget and its own database role; routes and references that point at
 * something; no secret value anywhere in the repository.
 */
class ManifestShapeTest {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;
    static final Set<String> SERVICES = Set.of("task-service", "stream-service", "schedule-service", "billing-service");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyServiceRunsProbedWithResourcesBehindAServiceAndABudget(String directory) {
        List<Document> documents = render(directory);
        List<Document> deployments = ofKind(documents, "Deployment");
        assertThat(deployments).extracting(Document::name).containsExactlyInAnyOrderElementsOf(SERVICES);
        Set<String> databaseRoles = new HashSet<>();
        for (Document deployment : deployments) {
            JsonNode spec = deployment.node().path("spec");
            JsonNode podLabels = spec.path("template").path("metadata").path("labels");
            assertThat(selects(spec.path("selector").path("matchLabels"), podLabels)).as("%s selector", deployment).isTrue();
            JsonNode container = spec.path("template").path("spec").path("containers").path(0);
            assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
            assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
            assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/started");
            assertThat(container.path("resources").path("requests").has("cpu")).as("%s cpu request", deployment).isTrue();
            assertThat(container.path("resources").path("requests").has("memory")).isTrue();
            assertThat(container.path("resources").path("limits").has("memory")).as("%s memory limit", deployment).isTrue();
            assertThat(spec.path("template").path("spec").path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
            assertThat(spec.path("template").path("spec").path("automountServiceAccountToken").isBoolean()
                    && !spec.path("template").path("spec").path("automountServiceAccountToken").asBoolean())
                    .as("%s mounts no service account token", deployment).isTrue();
            // its pods are fenced both ways; only the task service reaches beyond the cluster, never a private range
            List<Document> fences = ofKind(documents, "NetworkPolicy").stream()
                    .filter(policy -> selects(policy.node().path("spec").path("podSelector").path("matchLabels"), podLabels)).toList();
            assertThat(fences).as("a NetworkPolicy for %s", deployment).hasSize(1);
            JsonNode fence = fences.get(0).node().path("spec");
            assertThat(fence.path("policyTypes").toString()).contains("Ingress", "Egress");
            List<JsonNode> outside = new java.util.ArrayList<>();
            fence.path("egress").forEach(rule -> rule.path("to").forEach(peer -> {
                if (peer.has("ipBlock")) {
                    outside.add(peer.path("ipBlock"));
                }
            }));
            if (deployment.name().equals("task-service")) {
                assertThat(outside).singleElement().satisfies(block -> assertThat(block.path("except").toString())
                        .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"));
            } else {
                assertThat(outside).as("%s reaches nothing outside the cluster", deployment).isEmpty();
            }
            if (!directory.equals("base")) {
                assertThat(container.path("image").asText()).as("%s image", deployment).matches(".+:[^:/]+")
                        .doesNotEndWith(":latest");
            }
            assertThat(ofKind(documents, "Service")).as("a Service for %s", deployment)
                    .anySatisfy(service -> assertThat(selects(service.node().path("spec").path("selector"), podLabels)).isTrue());
            assertThat(ofKind(documents, "PodDisruptionBudget")).as("a PodDisruptionBudget for %s", deployment)
                    .filteredOn(pdb -> selects(pdb.node().path("spec").path("selector").path("matchLabels"), podLabels))
                    .hasSize(1);
            container.path("envFrom").forEach(source -> {
                String secret = source.path("secretRef").path("name").asText();
                if (secret.endsWith("-db")) {
                    databaseRoles.add(secret);
                }
            });
        }
        assertThat(databaseRoles).as("one database role per service").hasSameSizeAs(SERVICES);
        assertThat(ofKind(documents, "HorizontalPodAutoscaler")).singleElement()
                .satisfies(hpa -> assertThat(hpa.node().path("spec").path("scaleTargetRef").path("name").asText())
                        .isEqualTo("stream-service"));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void routesAndReferencesPointAtWhatTheManifestsDeclare(String directory) {
        List<Document> documents = render(directory);
        Set<String> gateways = names(ofKind(documents, "Gateway"));
        Map<String, Set<Integer>> servicePorts = ofKind(documents, "Service").stream().collect(Collectors.toMap(
                Document::name, service -> stream(service.node().path("spec").path("ports"))
                        .map(port -> port.path("port").asInt()).collect(Collectors.toSet())));
        for (Document route : ofKind(documents, "HTTPRoute")) {
            route.node().path("spec").path("parentRefs")
                    .forEach(parent -> assertThat(gateways).as("%s parent", route).contains(parent.path("name").asText()));
            route.node().path("spec").path("rules").forEach(rule -> rule.path("backendRefs").forEach(backend -> {
                assertThat(servicePorts).as("%s backend", route).containsKey(backend.path("name").asText());
                assertThat(servicePorts.get(backend.path("name").asText())).contains(backend.path("port").asInt());
            }));
        }
        Set<String> configMaps = names(ofKind(documents, "ConfigMap"));
        for (Document deployment : ofKind(documents, "Deployment")) {
            deployment.node().findValues("configMapRef").forEach(ref -> assertThat(configMaps).contains(ref.path("name").asText()));
        }
    }

    @Test
    void noSecretValueIsInTheRepository() {
        for (String directory : OVERLAYS) {
            String kustomization = Manifests.read(Manifests.K8S.resolve(directory).resolve("kustomization.yaml"));
            assertThat(kustomization).doesNotContain("secretGenerator");
        }
        assertThat(Manifests.baseFiles()).extracting(Document::kind).doesNotContain("Secret");
        if (Manifests.kubectlInstalled()) {
            for (String directory : OVERLAYS) {
                assertThat(render(directory)).extracting(Document::kind).doesNotContain("Secret");
            }
        }
    }

    private static List<Document> render(String directory) {
        assumeTrue(Manifests.kubectlInstalled(), "kubectl is not installed: Kustomize cannot render " + directory);
        return Manifests.rendered(directory).orElseThrow();
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        return stream(selector.properties()).allMatch(entry -> labels.path(entry.getKey()).asText().equals(entry.getValue().asText()));
    }

    private static List<Document> ofKind(List<Document> documents, String kind) {
        return documents.stream().filter(document -> document.kind().equals(kind)).toList();
    }

    private static Set<String> names(List<Document> documents) {
        return documents.stream().map(Document::name).collect(Collectors.toSet());
    }

    private static <T> java.util.stream.Stream<T> stream(Iterable<T> items) {
        return StreamSupport.stream(items.spliterator(), false);
    }
}
