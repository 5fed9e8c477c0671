package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.relay.k8s.Manifests.Document;

/** Every manifest Relay ships is valid against its kind's model, in the base's files and as each overlay renders. */
class ManifestValidationTest {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;

    @Test
    void everyDocumentOfTheBaseFilesIsValid() {
        List<Document> documents = Manifests.baseFiles();
        assertThat(documents).extracting(Document::kind)
                .contains("ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler",
                        "Gateway", "HTTPRoute", "KafkaTopic");
        assertThat(problems(documents)).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyRenderedDocumentIsValid(String directory) {
        assumeTrue(Manifests.kubectlInstalled(), "kubectl is not installed: Kustomize cannot render " + directory);
        List<Document> documents = Manifests.rendered(directory).orElseThrow();
        assertThat(documents).hasSizeGreaterThan(30);
        assertThat(problems(documents)).isEmpty();
    }

    @Test
    void aValidManifestWithOneMistakeIsRefused() {
        Document deployment = first("Deployment");
        Document route = first("HTTPRoute");
        Document topic = first("KafkaTopic");
        assertThat(StrictModels.problems(deployment.node())).isEmpty();

        assertRefused(deployment, spec -> spec.withObjectProperty("spec").put("replicas", "two"), "replicas");
        assertRefused(deployment, spec -> spec.withObjectProperty("spec").put("replicas", "2"), "replicas");
        assertRefused(deployment, spec -> spec.withObjectProperty("spec").put("replica", 2), "unknown field(s) [replica]");
        assertRefused(deployment, spec -> ((ObjectNode) spec.withObjectProperty("spec").withObjectProperty("template").withObjectProperty("spec")
                .withArray("containers").get(0)).putObject("readinessProbe").putObject("httpGet").put("paht", "/q"),
                "unknown field(s) [paht]");
        assertRefused(deployment, spec -> spec.put("apiVersion", "extensions/v1beta1"), "unknown kind");
        assertRefused(route, spec -> ((ObjectNode) ((ArrayNode) spec.withObjectProperty("spec").withArray("rules").get(0)
                .withArray("backendRefs")).get(0)).put("port", "eighty"), "port");
        assertRefused(topic, spec -> spec.withObjectProperty("spec").put("partitions", "twelve"), "partitions");
        assertRefused(topic, spec -> spec.withObjectProperty("spec").withObjectProperty("config").put("retention.msec", "1000"),
                "no topic setting retention.msec");
        assertRefused(topic, spec -> spec.put("apiVersion", "kafka.strimzi.io/v2"), "unknown kind");

        Document user = prodFile("kafka-users.yaml");
        Document limit = prodFile("gateway-rate-limit.yaml");
        assertThat(StrictModels.problems(user.node())).isEmpty();
        assertThat(StrictModels.problems(limit.node())).isEmpty();
        assertRefused(user, spec -> ((ObjectNode) spec.withObjectProperty("spec").withObjectProperty("authorization").withArray("acls").get(0))
                .putArray("operations").add("Wirte"), "Wirte");
        assertRefused(user, spec -> spec.withObjectProperty("spec").withObjectProperty("authentication").put("type", "scram-sha-256"),
                "scram-sha-256");
        assertRefused(user, spec -> spec.put("apiVersion", "kafka.strimzi.io/v1alpha9"), "unknown kind");
        assertRefused(limit, spec -> ((ObjectNode) spec.withObjectProperty("spec").withObjectProperty("rateLimit").withObjectProperty("local")
                .withArray("rules").get(0)).withObjectProperty("limit").put("requests", "50"), "requests");
        assertRefused(limit, spec -> spec.withObjectProperty("spec").withObjectProperty("rateLimit").put("typ", "Local"), "typ");
    }

    private static Document prodFile(String file) {
        return new Document("overlays/prod/" + file,
                Manifests.documents(Manifests.read(Manifests.K8S.resolve("overlays/prod").resolve(file))).get(0));
    }

    private static void assertRefused(Document valid, Consumer<ObjectNode> mistake, String problem) {
        ObjectNode broken = valid.object().deepCopy();
        mistake.accept(broken);
        assertThat(StrictModels.problems(broken)).as("%s with a mistake", valid).isNotEmpty()
                .anySatisfy(message -> assertThat(message).contains(problem));
    }

    private static Document first(String kind) {
        return Manifests.baseFiles().stream().filter(document -> document.kind().equals(kind)).findFirst().orElseThrow();
    }

    private static Map<String, List<String>> problems(List<Document> documents) {
        Map<String, List<String>> problems = new TreeMap<>();
        for (Document document : documents) {
            List<String> found = StrictModels.problems(document.node());
            if (!found.isEmpty()) {
                problems.put(document.toString(), found);
            }
        }
        return problems;
    }
}
