package dev.relay.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The configuration reference ({@code docs/configuration.md}) names every setting an operator may change: each
 * property of every {@code @ConfigMapping} interface of the services and common, and every {@code relay.*} property
 * read one by one.
 */
class ConfigReferenceTest {

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)");
    private static final Pattern METHOD = Pattern.compile("(@WithName\\(\"([^\"]+)\"\\)\\s*)?(?:@\\w+(?:\\([^)]*\\))?\\s*)*"
            + "([\\w.]+(?:<[^>]*>)?)\\s+(\\w+)\\(\\);");
    private static final Pattern SINGLE = Pattern.compile("@ConfigProperty\\(name = \"(relay\\.[^\"]+)\"");

    @Test
    void theConfigurationReferenceNamesEverySetting() {
        Set<String> settings = settings();
        assertThat(settings).contains("relay.outbox.sweep-interval", "relay.stream.max-backlog", "relay.billing.publish-interval")
                .hasSizeGreaterThan(40);
        String reference = Manifests.read(Manifests.ROOT.resolve("docs/configuration.md"));
        assertThat(settings).allSatisfy(setting -> assertThat(reference).as("docs/configuration.md names %s", setting)
                .contains("`" + setting));
    }

    private static Set<String> settings() {
        Set<String> settings = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Manifests.ROOT)) {
            files.filter(file -> file.toString().endsWith(".java") && file.toString().contains("/src/main/java/"))
                    .forEach(file -> settingsOf(Manifests.read(file), settings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    private static void settingsOf(String source, Set<String> settings) {
        Matcher single = SINGLE.matcher(source);
        while (single.find()) {
            if (!single.group(1).equals("relay.schema")) { // each service's own schema name: not a setting
                settings.add(single.group(1));
            }
        }
        Matcher mapping = MAPPING.matcher(source);
        if (!mapping.find()) {
            return;
        }
        String body = topLevelBody(source.substring(source.indexOf('{', mapping.end()) + 1));
        Matcher method = METHOD.matcher(body);
        while (method.find()) {
            String name = method.group(2) != null ? method.group(2) : kebab(method.group(4));
            // a map of groups is documented by its pattern (relay.billing.weights."<model>".input)
            settings.add(mapping.group(1) + "." + name + (method.group(3).startsWith("Map") ? "." : ""));
        }
    }

    /** The interface's body without its nested types' bodies. */
    private static String topLevelBody(String afterBrace) {
        StringBuilder body = new StringBuilder();
        int depth = 1;
        for (char c : afterBrace.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                break;
            } else if (depth == 1) {
                body.append(c);
            }
        }
        return body.toString().replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase();
    }
}
