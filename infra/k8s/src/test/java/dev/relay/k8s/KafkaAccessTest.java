package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.relay.common.event.Topics;
import dev.relay.k8s.TopicManifestTest.Channel;

/**
 * Each service's Strimzi KafkaUser in the prod overlay (overlays/prod/kafka-users.yaml) grants exactly what its code
 * does with Kafka, derived here from the code itself: Write and Describe on every topic its outbox publishes to (each
 * {@code outbox.add(Topics.…)} of its sources) or an outgoing channel names, and on the dead-letter topic of each of
 * its consumer groups; Read and Describe on every topic an incoming channel of its application.properties reads; Read
 * on each channel's group (a group id ending in a placeholder, one per pod, by its prefix). A new channel, a new
 * publish or a new consumer group without its ACL fails here, and so does an ACL nothing in the code uses.
 */
class KafkaAccessTest {

    static final List<String> SERVICES = List.of("task-service", "stream-service", "schedule-service", "billing-service");
    private static final Path USERS = Manifests.K8S.resolve("overlays/prod/kafka-users.yaml");
    private static final Pattern OUTBOX_ADD = Pattern.compile("outbox\\.add\\(");
    private static final Pattern OUTBOX_TOPIC = Pattern.compile("outbox\\.add\\(\\s*Topics\\.([A-Z_]+)\\s*,");

    /** One ACL: an operation on a resource. */
    record Grant(String resourceType, String name, String patternType, String operation) implements Comparable<Grant> {

        @Override
        public int compareTo(Grant other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return operation + " " + resourceType + " " + name + ("literal".equals(patternType) ? "" : " (" + patternType + ")");
        }
    }

    @Test
    void eachServicesKafkaUserGrantsExactlyWhatItsCodeUses() {
        Map<String, Set<Grant>> needed = needed();
        assertThat(needed.get("task-service")).contains(new Grant("topic", Topics.TASK_EVENTS, "literal", "Write"),
                new Grant("group", "task-service-runtime", "literal", "Read"));
        assertThat(needed.get("stream-service")).contains(new Grant("group", "stream-service-live-", "prefix", "Read"))
                .noneMatch(grant -> grant.operation().equals("Write") && !grant.name().endsWith(".dlq"));
        assertThat(mismatches(needed, users(Manifests.documents(Manifests.read(USERS))))).isEmpty();
    }

    @Test
    void aChannelOrAPublishWithoutItsAclIsFound() {
        List<JsonNode> users = Manifests.documents(Manifests.read(USERS));
        // schedule-service's KafkaUser without its last ACL (the dead-letter topic of its api-keys group)
        ArrayNode acls = (ArrayNode) users.stream().filter(user -> user.path("metadata").path("name").asText().equals("relay-schedule-service"))
                .findFirst().orElseThrow().path("spec").path("authorization").path("acls");
        acls.remove(acls.size() - 1);
        // and billing-service reading one more topic than its KafkaUser allows
        Map<String, Set<Grant>> needed = needed();
        needed.get("billing-service").add(new Grant("topic", Topics.SCHEDULE_RUNS, "literal", "Read"));

        Map<String, String> mismatches = mismatches(needed, users(users));
        assertThat(mismatches).containsOnlyKeys("schedule-service", "billing-service");
        assertThat(mismatches.get("schedule-service")).contains("missing [Describe topic api-keys.schedule-service-api-keys.dlq, Write topic api-keys.schedule-service-api-keys.dlq]");
        assertThat(mismatches.get("billing-service")).contains("missing [Read topic schedule-runs]");
    }

    @Test
    void everyKafkaUserIsAScramUserOfTheTopicsClusterWithSimpleAuthorization() {
        Set<String> clusters = new TreeSet<>();
        Manifests.baseFiles().stream().filter(document -> document.kind().equals("KafkaTopic"))
                .forEach(topic -> clusters.add(topic.node().path("metadata").path("labels").path("strimzi.io/cluster").asText()));
        assertThat(clusters).hasSize(1);
        List<JsonNode> users = Manifests.documents(Manifests.read(USERS));
        assertThat(users).hasSameSizeAs(SERVICES).allSatisfy(user -> {
            assertThat(user.path("kind").asText()).isEqualTo("KafkaUser");
            assertThat(user.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(clusters.iterator().next());
            assertThat(user.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
            assertThat(user.path("spec").path("authorization").path("type").asText()).isEqualTo("simple");
            assertThat(StrictModels.problems(user)).isEmpty();
        });
    }

    /** Service → what is wrong with its KafkaUser's ACLs; empty when each grants exactly what the service needs. */
    static Map<String, String> mismatches(Map<String, Set<Grant>> needed, Map<String, Set<Grant>> granted) {
        Map<String, String> mismatches = new TreeMap<>();
        needed.forEach((service, grants) -> {
            Set<Grant> given = granted.getOrDefault(userOf(service), Set.of());
            Set<Grant> missing = new TreeSet<>(grants);
            missing.removeAll(given);
            Set<Grant> extra = new TreeSet<>(given);
            extra.removeAll(grants);
            if (!missing.isEmpty() || !extra.isEmpty()) {
                mismatches.put(service, "KafkaUser " + userOf(service) + ": missing " + missing + ", not used by the code " + extra);
            }
        });
        return mismatches;
    }

    /** The KafkaUser (and so the Secret with its credentials) a service logs in as. */
    static String userOf(String service) {
        return "relay-" + service;
    }

    /** KafkaUser name → its ACLs, one grant per operation. */
    static Map<String, Set<Grant>> users(List<JsonNode> documents) {
        Map<String, Set<Grant>> users = new TreeMap<>();
        for (JsonNode user : documents) {
            Set<Grant> grants = new TreeSet<>();
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode resource = acl.path("resource");
                assertThat(acl.path("type").asText("allow")).as("%s", acl).isEqualTo("allow");
                assertThat(acl.path("host").asText("*")).as("%s", acl).isEqualTo("*");
                List<String> operations = new ArrayList<>();
                acl.path("operations").forEach(operation -> operations.add(operation.asText()));
                if (acl.has("operation")) {
                    operations.add(acl.path("operation").asText());
                }
                operations.forEach(operation -> grants.add(new Grant(resource.path("type").asText(), resource.path("name").asText(),
                        resource.path("patternType").asText("literal"), operation)));
            }
            users.put(user.path("metadata").path("name").asText(), grants);
        }
        return users;
    }

    /** Service → the ACLs its code needs. */
    static Map<String, Set<Grant>> needed() {
        Map<String, Set<Grant>> needed = new TreeMap<>();
        SERVICES.forEach(service -> needed.put(service, new TreeSet<>()));
        SERVICES.forEach(service -> published(service).forEach(topic -> write(needed.get(service), topic)));
        for (Channel channel : TopicManifestTest.channels()) {
            String service = channel.where().substring(0, channel.where().indexOf(' '));
            Set<Grant> grants = needed.get(service);
            if (channel.where().startsWith(service + " outgoing ")) {
                write(grants, channel.topic());
                continue;
            }
            grants.add(new Grant("topic", channel.topic(), "literal", "Read"));
            grants.add(new Grant("topic", channel.topic(), "literal", "Describe"));
            assertThat(channel.group()).as("%s has a group.id", channel.where()).isNotBlank();
            int placeholder = channel.group().indexOf("${");
            grants.add(placeholder < 0 ? new Grant("group", channel.group(), "literal", "Read")
                    : new Grant("group", channel.group().substring(0, placeholder), "prefix", "Read"));
            if (!channel.failureStrategy().equals("ignore")) {
                write(grants, channel.deadLetterTopic() != null ? channel.deadLetterTopic() : Topics.deadLetter(channel.topic(), channel.group()));
            }
        }
        return needed;
    }

    private static void write(Set<Grant> grants, String topic) {
        grants.add(new Grant("topic", topic, "literal", "Write"));
        grants.add(new Grant("topic", topic, "literal", "Describe"));
    }

    /** The topics a service's sources publish to through the outbox; every outbox.add names its topic by a Topics constant. */
    static Set<String> published(String service) {
        Set<String> topics = new TreeSet<>();
        for (Path file : sources(Manifests.ROOT.resolve(service).resolve("src/main/java"))) {
            String source = Manifests.read(file);
            Matcher add = OUTBOX_ADD.matcher(source);
            while (add.find()) {
                Matcher topic = OUTBOX_TOPIC.matcher(source).region(add.start(), source.length());
                assertThat(topic.lookingAt()).as("%s: outbox.add at %d names its topic by a Topics constant (for the KafkaUser's ACLs)",
                        file, add.start()).isTrue();
                topics.add(constant(topic.group(1)));
            }
        }
        // what common publishes would be every service's: it publishes nothing itself
        assertThat(sources(Manifests.ROOT.resolve("common/src/main/java")))
                .filteredOn(file -> OUTBOX_ADD.matcher(Manifests.read(file)).find()).isEmpty();
        return topics;
    }

    private static List<Path> sources(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String constant(String name) {
        try {
            Field field = Topics.class.getField(name);
            return (String) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Topics has no constant " + name, e);
        }
    }
}
