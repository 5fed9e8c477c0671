package dev.relay.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Every topic the code names, and each one's dead-letter topic, is a KafkaTopic of the Kubernetes base. */
class TopicManifestTest {

    private static final Path MANIFEST = Path.of(System.getProperty("relay.root", "..")).resolve("infra/k8s/base/kafka-topics.yaml");

    @Test
    void theManifestsDeclareEveryTopicAndItsDeadLetterTopic() throws IOException, IllegalAccessException {
        Set<String> declared = declaredTopics(Files.readString(MANIFEST));
        List<String> needed = new ArrayList<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && !field.getName().equals("DEAD_LETTER_SUFFIX")) {
                String topic = (String) field.get(null);
                needed.add(topic);
                needed.add(topic + Topics.DEAD_LETTER_SUFFIX);
            }
        }
        assertThat(declared).containsAll(needed);
    }

    private static Set<String> declaredTopics(String yaml) {
        return Pattern.compile("(?m)^kind: KafkaTopic\\s*\\nmetadata:\\s*\\n\\s+name:\\s*(\\S+)").matcher(yaml)
                .results().map(match -> match.group(1)).collect(Collectors.toSet());
    }
}
