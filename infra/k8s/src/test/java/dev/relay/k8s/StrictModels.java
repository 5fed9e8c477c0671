package dev.relay.k8s;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.config.TopicConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;

/**
 * Checks a manifest document against the typed models of its kind — fabric8's for Kubernetes and the Gateway API,
 * Strimzi's for KafkaTopic and KafkaUser, {@link EnvoyGateway}'s for the one Envoy Gateway policy — strictly: a kind Relay does not ship, a field the model does not have, a value of the
 * wrong type (no coercion: {@code replicas: "2"} is refused like {@code replicas: "two"}) or a topic setting Kafka does
 * not know is a problem. The models keep unknown fields aside instead of failing, so those are looked for after
 * parsing.
 */
final class StrictModels {

    /** apiVersion/kind → model, for every kind Relay's manifests may hold. */
    private static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("gateway.networking.k8s.io/v1/Gateway", Gateway.class),
            Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class),
            Map.entry("gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy", EnvoyGateway.BackendTrafficPolicy.class));

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .build();

    private static final Set<String> TOPIC_SETTINGS = topicSettings();

    private StrictModels() {
    }

    /** What is wrong with one document; empty when it is a valid manifest of a kind Relay ships. */
    static List<String> problems(JsonNode document) {
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        Class<?> model = KINDS.get(apiVersion + "/" + kind);
        if (model == null) {
            return List.of("unknown kind " + apiVersion + "/" + kind + " (known: " + new TreeSet<>(KINDS.keySet()) + ")");
        }
        if (model == KafkaTopic.class && !KafkaTopic.VERSIONS.contains(apiVersion.substring(apiVersion.indexOf('/') + 1))) {
            return List.of("Strimzi has no KafkaTopic version " + apiVersion);
        }
        if (model == KafkaUser.class && !KafkaUser.VERSIONS.contains(apiVersion.substring(apiVersion.indexOf('/') + 1))) {
            return List.of("Strimzi has no KafkaUser version " + apiVersion);
        }
        Object parsed;
        try {
            parsed = MAPPER.treeToValue(document, model);
        } catch (JsonProcessingException e) {
            return List.of(kind + ": " + e.getOriginalMessage() + " at " + e.getLocation() + " " + path(e));
        } catch (IllegalArgumentException e) {
            return List.of(kind + ": " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        unknownFields(parsed, kind, problems);
        if (parsed instanceof KafkaUser) {
            aclProblems(document, problems);
        }
        if (parsed instanceof KafkaTopic topic && topic.getSpec() != null && topic.getSpec().getConfig() != null) {
            topic.getSpec().getConfig().keySet().stream().filter(key -> !TOPIC_SETTINGS.contains(key))
                    .forEach(key -> problems.add(kind + ".spec.config: Kafka has no topic setting " + key));
        }
        return problems;
    }

    /** Strimzi's ACL enums read an unknown value as null instead of failing: each value is looked up here. */
    private static void aclProblems(JsonNode user, List<String> problems) {
        int index = 0;
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            String where = "KafkaUser.spec.authorization.acls[" + index++ + "]";
            List<JsonNode> operations = new ArrayList<>();
            acl.path("operations").forEach(operations::add);
            if (acl.has("operation")) {
                operations.add(acl.path("operation"));
            }
            operations.stream().filter(operation -> AclOperation.forValue(operation.asText()) == null)
                    .forEach(operation -> problems.add(where + ": Strimzi has no ACL operation " + operation.asText()));
            JsonNode pattern = acl.path("resource").path("patternType");
            if (!pattern.isMissingNode() && AclResourcePatternType.forValue(pattern.asText()) == null) {
                problems.add(where + ": Strimzi has no ACL pattern type " + pattern.asText());
            }
            if (acl.has("type") && AclRuleType.forValue(acl.path("type").asText()) == null) {
                problems.add(where + ": Strimzi has no ACL rule type " + acl.path("type").asText());
            }
        }
    }

    private static String path(JsonProcessingException e) {
        return e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping ? mapping.getPathReference() : "";
    }

    /** Walks the parsed model by its JSON properties and reports every field a model kept aside as unknown. */
    private static void unknownFields(Object value, String path, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, problems));
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + index++ + "]", problems);
            }
            return;
        }
        if (value instanceof Enum<?>) {
            return;
        }
        String type = value.getClass().getName();
        if (!type.startsWith("io.fabric8.") && !type.startsWith("io.strimzi.") && !type.startsWith("dev.relay.k8s.")) {
            return;
        }
        BeanDescription description = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
        AnnotatedMember anyGetter = description.findAnyGetter();
        if (anyGetter != null && anyGetter.getValue(value) instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
            problems.add(path + ": unknown field(s) " + new TreeSet<>(unknown.keySet().stream().map(String::valueOf).toList()));
        }
        for (BeanPropertyDefinition property : description.findProperties()) {
            if (property.hasGetter()) {
                unknownFields(property.getGetter().getValue(value), path + "." + property.getName(), problems);
            }
        }
    }

    private static Set<String> topicSettings() {
        Set<String> settings = new TreeSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().endsWith("_CONFIG")) {
                try {
                    settings.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return settings;
    }
}
