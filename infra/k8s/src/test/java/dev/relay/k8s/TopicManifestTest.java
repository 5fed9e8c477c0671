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
 * Every Kafka topic the code uses — the shared topic names, every topic a service's channels name in its configuration
 * and each consumer group's dead-letter topic — is a Strimzi KafkaTopic of the base; keyed state topics are compacted;
 * every consumer group has a dead-letter topic of its own, named as {@link Topics#deadLetter} says.
 */
class TopicManifestTest {

    private static final List<String> SERVICES = List.of("task-service", "stream-service", "schedule-service", "billing-service");
    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.(.+)");

    @Test
    void theManifestsDeclareEveryTopicTheCodeUses() {
        Map<String, String> used = usedTopics();
        assertThat(used).containsKeys(Topics.TASK_EVENTS, Topics.deadLetter(Topics.API_KEYS, "stream-service-api-keys"),
                "task-runs.task-service-runtime.dlq", "task-events.billing-service-usage.dlq", "task-events.stream-service.dlq");
        assertThat(undeclared(used, declaredTopics(topicDocuments()))).isEmpty();
    }

    @Test
    void aTopicTheManifestsLackIsFound() {
        String dropped = "api-keys.schedule-service-api-keys.dlq";
        List<Document> withoutOne = topicDocuments().stream()
                .filter(document -> !document.name().equals(dropped)).toList();
        assertThat(undeclared(usedTopics(), declaredTopics(withoutOne)))
                .containsOnlyKeys(dropped)
                .hasEntrySatisfying(dropped, where -> assertThat(where).contains("schedule-service"));
    }

    @Test
    void everyConsumerGroupHasADeadLetterTopicOfItsOwn() {
        Map<String, String> owners = new TreeMap<>();
        for (Channel channel : channels()) {
            if (channel.failureStrategy().equals("ignore")) {
                continue;
            }
            assertThat(channel.deadLetterTopic()).as(channel.where())
                    .isEqualTo(Topics.deadLetter(channel.topic(), channel.group()));
            assertThat(owners.put(channel.deadLetterTopic(), channel.where())).as(channel.where() + " shares its dead-letter topic")
                    .isNull();
        }
        assertThat(owners).hasSize(11);
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
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                used.put(constant(field), "Topics." + field.getName());
            }
        }
        for (Channel channel : channels()) {
            used.putIfAbsent(channel.topic(), channel.where());
            if (channel.deadLetterTopic() != null) {
                used.putIfAbsent(channel.deadLetterTopic(), channel.where() + " dead-letter-queue.topic");
            }
        }
        return used;
    }

    /** An incoming or outgoing channel of a service, as its application.properties configures it. */
    record Channel(String where, String topic, String group, String deadLetterTopic, String failureStrategy) {
    }

    static List<Channel> channels() {
        Properties defaults = load(Manifests.ROOT.resolve("common/src/main/resources/META-INF/microprofile-config.properties"));
        List<Channel> channels = new ArrayList<>();
        for (String service : SERVICES) {
            Properties properties = load(Manifests.ROOT.resolve(service).resolve("src/main/resources/application.properties"));
            Map<String, Map<String, String>> attributes = new TreeMap<>();
            for (String key : properties.stringPropertyNames()) {
                Matcher channel = CHANNEL.matcher(key.startsWith("%prod.") ? key.substring(6) : key);
                if (key.startsWith("%") && !key.startsWith("%prod.") || !channel.matches()) {
                    continue;
                }
                attributes.computeIfAbsent(channel.group(1) + " " + channel.group(2), name -> new TreeMap<>())
                        .put(channel.group(3), properties.getProperty(key));
            }
            attributes.forEach((name, channel) -> {
                String channelName = name.substring(name.indexOf(' ') + 1);
                channels.add(new Channel(service + " " + name, channel.getOrDefault("topic", channelName), channel.get("group.id"),
                        channel.get("dead-letter-queue.topic"), channel.getOrDefault("failure-strategy",
                                defaults.getProperty("mp.messaging.connector.smallrye-kafka.failure-strategy"))));
            });
        }
        return channels;
    }

    private static Properties load(java.nio.file.Path file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(Manifests.read(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
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
