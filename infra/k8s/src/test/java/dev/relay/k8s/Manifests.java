package dev.relay.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Relay's Kubernetes manifests as documents: the base's files as written, and each overlay as Kustomize renders it. */
final class Manifests {

    static final Path ROOT = Path.of(System.getProperty("relay.root", "../..")).toAbsolutePath().normalize();
    static final Path K8S = ROOT.resolve("infra/k8s");
    static final List<String> OVERLAYS = List.of("base", "overlays/dev", "overlays/prod");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {
    }

    /** Every document of every resource file the base's kustomization.yaml names, each tagged with its file. */
    static List<Document> baseFiles() {
        JsonNode kustomization = documents(read(K8S.resolve("base/kustomization.yaml"))).get(0);
        List<Document> all = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            String file = "base/" + resource.asText();
            documents(read(K8S.resolve(file))).forEach(node -> all.add(new Document(file, node)));
        }
        return all;
    }

    /** What {@code kubectl kustomize} makes of a directory under infra/k8s; empty when kubectl is not installed. */
    static Optional<List<Document>> rendered(String directory) {
        if (!kubectlInstalled()) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", K8S.resolve(directory).toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + directory + " failed:\n" + output);
            }
            return Optional.of(documents(output).stream().map(node -> new Document(directory, node)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static boolean kubectlInstalled() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static List<JsonNode> documents(String yaml) {
        try {
            List<JsonNode> documents = new ArrayList<>();
            for (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml); it.hasNext();) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isMissingNode() && !node.isEmpty()) {
                    documents.add(node);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The services whose builds store an OpenAPI document. */
    static final List<String> SERVICES = List.of("task-service", "stream-service", "schedule-service", "billing-service");

    /** The OpenAPI document {@code service}'s build stored. */
    static JsonNode openApi(String service) {
        Path document = ROOT.resolve(service).resolve("target/openapi/openapi.yaml");
        if (!Files.exists(document)) {
            throw new IllegalStateException(service + "'s OpenAPI document, stored by its build, is missing (build the services first)");
        }
        return documents(read(document)).get(0);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One manifest document and where it came from. */
    record Document(String source, JsonNode node) {

        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        ObjectNode object() {
            return (ObjectNode) node;
        }

        @Override
        public String toString() {
            return source + ": " + kind() + " " + name();
        }
    }
}
