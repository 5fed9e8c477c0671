package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.relay.common.event.Topics;
import dev.relay.k8s.Manifests.Document;

/**
 * Every Kafka topic the code uses — the shared topic names, each one's dead-letter topic, and every topic a service's
 * channels name in its configuration — is a Strimzi KafkaTopic of the base; keyed state topics are compacted.
 */
class TopicManifestTest {

    private static final List<String> SERVICES = List.of("task-service", "stream-service", "schedule-service", "billing-service");
    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.(.+)");

    @Test
    void theManifestsDeclareEveryTopicTheCodeUses() {
        Map<String, String> used = usedTopics();
        assertThat(used).containsKeys(Topics.TASK_EVENTS, Topics.API_KEYS + Topics.DEAD_LETTER_SUFFIX, "task-runs-dlq");
        assertThat(undeclared(used, declaredTopics(topicDocuments()))).isEmpty();
    }

    @Test
    void aTopicTheManifestsLackIsFound() {
        List<Document> withoutOne = topicDocuments().stream()
                .filter(document -> !document.name().equals("api-keys-dlq")).toList();
        assertThat(undeclared(usedTopics(), declaredTopics(withoutOne)))
                .containsOnlyKeys("api-keys-dlq")
                .hasEntrySatisfying("api-keys-dlq", where -> assertThat(where).contains("Topics.API_KEYS"));
    }

    @Test
    void keyedStateTopicsAreCompactedAndKeptForever() {
        Map<String, JsonNode> configs = topicDocuments().stream().collect(Collectors.toMap(
                TopicManifestTest::topicName, document -> document.node().path("spec").path("config")));
        for (String topic : Topics.COMPACTED) {
            assertThat(configs.get(topic).path("cleanup.policy").asText()).as(topic).isEqualTo("compact");
            assertThat(configs.get(topic).path("retention.ms").asText()).as(topic).isEqualTo("-1");
        }
    }

    /** Topic → where the code uses it. */
    static Map<String, String> usedTopics() {
        Map<String, String> used = new TreeMap<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !field.getName().equals("DEAD_LETTER_SUFFIX")) {
                String topic = constant(field);
                used.put(topic, "Topics." + field.getName());
                used.put(topic + Topics.DEAD_LETTER_SUFFIX, "dead-letter topic of Topics." + field.getName());
            }
        }
        for (String service : SERVICES) {
            Properties properties = new Properties();
            try {
                properties.load(new StringReader(Manifests.read(
                        Manifests.ROOT.resolve(service).resolve("src/main/resources/application.properties"))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> channelTopics = new TreeMap<>();
            for (String key : properties.stringPropertyNames()) {
                Matcher channel = CHANNEL.matcher(key.startsWith("%prod.") ? key.substring(6) : key);
                if (key.startsWith("%") && !key.startsWith("%prod.") || !channel.matches()) {
                    continue;
                }
                String where = service + " " + key;
                channelTopics.putIfAbsent(channel.group(2), channel.group(2));
                switch (channel.group(3)) {
                    case "topic" -> channelTopics.put(channel.group(2), properties.getProperty(key));
                    case "dead-letter-queue.topic" -> used.putIfAbsent(properties.getProperty(key), where);
                    default -> { }
                }
            }
            channelTopics.values().forEach(topic -> used.putIfAbsent(topic, service + " channel"));
        }
        return used;
    }

    static Map<String, String> undeclared(Map<String, String> used, Set<String> declared) {
        Map<String, String> missing = new TreeMap<>(used);
        missing.keySet().removeAll(declared);
        return missing;
    }

    static Set<String> declaredTopics(List<Document> documents) {
        return documents.stream().map(TopicManifestTest::topicName).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<Document> topicDocuments() {
        return new ArrayList<>(Manifests.baseFiles().stream().filter(document -> document.kind().equals("KafkaTopic")).toList());
    }

    private static String topicName(Document document) {
        String topicName = document.node().path("spec").path("topicName").asText();
        return topicName.isEmpty() ? document.name() : topicName;
    }

    private static String constant(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
