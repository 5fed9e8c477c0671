package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Relay's event contracts (common's {@code asyncapi/relay-events.yaml}) applied to what was really published: every
 * record a service's outbox wrote to the shared test broker (it names itself in the {@code relay-producer} header)
 * is checked against its topic's payload and header schemas.
 */
public final class EventContract {

    /** The header the outbox names the publishing service in. */
    public static final String PRODUCER_HEADER = "relay-producer";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Contract CONTRACT = load();

    private EventContract() {
    }

    /** A record that breaks the contract, and how. */
    public record Violation(String topic, String key, String problems, String value) {
    }

    /** Every topic the document names. */
    public static Set<String> topics() {
        return CONTRACT.payloads().keySet();
    }

    /** The records of every topic of the document on the shared broker that {@code producer} published (any service when null). */
    public static List<ConsumerRecord<String, String>> publishedBy(String producer) {
        List<ConsumerRecord<String, String>> published = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "contract-reader-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics(Duration.ofSeconds(10)).forEach((topic, infos) -> {
                if (topics().contains(topic)) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            });
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Predicate<TopicPartition> behind = partition -> consumer.position(partition) < ends.get(partition);
            while (partitions.stream().anyMatch(behind)) {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                    if (producer == null ? header(record) != null : producer.equals(header(record))) {
                        published.add(record);
                    }
                });
            }
        }
        return published;
    }

    /** What is wrong with each record that breaks the contract; empty when all keep it. */
    public static List<Violation> violations(List<ConsumerRecord<String, String>> records) {
        List<Violation> violations = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            List<String> problems = new ArrayList<>();
            JsonSchema payload = CONTRACT.payloads().get(record.topic());
            try {
                payload.validate(JSON.readTree(record.value())).forEach(message -> problems.add(message.getMessage()));
            } catch (IOException e) {
                problems.add("not JSON: " + e.getMessage());
            }
            CONTRACT.headers().get(record.topic()).validate(headers(record)).stream().map(ValidationMessage::getMessage)
                    .forEach(problems::add);
            if (!problems.isEmpty()) {
                violations.add(new Violation(record.topic(), record.key(), String.join("; ", problems), record.value()));
            }
        }
        return violations;
    }

    /** Records per topic, for a report of what was checked. */
    public static Map<String, Integer> countByTopic(List<ConsumerRecord<String, String>> records) {
        Map<String, Integer> counts = new TreeMap<>();
        records.forEach(record -> counts.merge(record.topic(), 1, Integer::sum));
        return counts;
    }

    private static String header(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(PRODUCER_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static ObjectNode headers(ConsumerRecord<String, String> record) {
        ObjectNode headers = JSON.createObjectNode();
        record.headers().forEach(header -> headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
        return headers;
    }

    private record Contract(Map<String, JsonSchema> payloads, Map<String, JsonSchema> headers) {
    }

    /** One schema per channel: its message's payload (and headers) by reference, with the document's components alongside. */
    private static Contract load() {
        JsonNode document;
        try {
            document = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(
                    RelayPaths.root().resolve("common/src/main/resources/asyncapi/relay-events.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        Map<String, JsonSchema> payloads = new HashMap<>();
        Map<String, JsonSchema> headers = new HashMap<>();
        document.path("channels").forEach(channel -> {
            String message = channel.path("messages").elements().next().path("$ref").asText();
            JsonNode definition = document.at(message.substring(1));
            payloads.put(channel.path("address").asText(), factory.getSchema(schema(definition.path("payload"), document), config));
            headers.put(channel.path("address").asText(), factory.getSchema(schema(definition.path("headers"), document), config));
        });
        return new Contract(Map.copyOf(payloads), Map.copyOf(headers));
    }

    private static ObjectNode schema(JsonNode reference, JsonNode document) {
        ObjectNode schema = JSON.createObjectNode();
        schema.putArray("allOf").add(reference.deepCopy());
        schema.set("components", document.path("components").deepCopy());
        return schema;
    }
}
