package dev.relay.images;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.testsupport.KafkaBroker;
import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.RelayPaths;
import dev.relay.testsupport.TestDatabase;
import dev.relay.testsupport.TestTokens;

/**
 * A service's image works: {@code infra/images/build.sh} builds the billing service's OCI archive from the packaged
 * service, its layers unpacked in order give a root file system the service starts from — its own Java runtime and C
 * libraries only, as user 10001 — and, pointed at the shared broker and database, it gets ready and answers the API.
 * On a JDK 25 runtime the image carries its ahead-of-time cache, recorded by build.sh's training run against the same
 * broker and database, and the service starts with it ({@code -XX:AOTMode=on}: the JVM refuses to start if the
 * cache does not fit the image's runtime and jars).
 */
class ImageRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBillingServiceStartsFromItsImageAndAnswers() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "starting an image's root file system needs root (chroot, unshare)");
        Path root = RelayPaths.root();
        Path archive = root.resolve("infra/images/target/billing-service.tar");
        TestDatabase db = TestDatabase.shared();
        run(root, Map.of("RELAY_SKIP_BUILD", "1", "KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers(),
                "RELAY_DB_REACTIVE_URL", db.reactiveUrl(), "RELAY_DB_JDBC_URL", db.jdbcUrl(), "RELAY_DB_USER", db.user(),
                "RELAY_DB_PASSWORD", db.password()), "infra/images/build.sh", "billing-service");

        // the image's root directory: readable by its user, as a container runtime makes it
        Path unpacked = Files.createTempDirectory("relay-image-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        JsonNode config = unpack(archive, unpacked);
        assertThat(config.path("config").path("User").asText()).isEqualTo("10001:10001");
        List<String> entrypoint = new ArrayList<>();
        config.path("config").path("Entrypoint").forEach(part -> entrypoint.add(part.asText()));
        assertThat(entrypoint).startsWith("/opt/java/bin/java").endsWith("-jar", "/app/quarkus-run.jar");
        assertThat(unpacked.resolve("opt/java/bin/java")).isExecutable();
        List<String> jvmOptions = new ArrayList<>();
        if (Files.exists(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/jlink"))) {
            assertThat(Files.readString(unpacked.resolve("opt/java/release"))).contains("JAVA_VERSION=\"25");
            assertThat(entrypoint).contains("-XX:AOTCache=/app/app.aot");
            assertThat(unpacked.resolve("app/app.aot")).isNotEmptyFile();
            jvmOptions.add("-XX:AOTMode=on");
        }

        try (PackagedService billing = PackagedService.startImage("billing-service", unpacked, entrypoint, jvmOptions)) {
            given().baseUri(billing.uri("").toString()).header("Authorization", TestTokens.bearer("imaged", "owner@imaged.dev"))
                    .get("/api/v1/usage?groupBy=user").then().statusCode(200);
        } finally {
            run(root, Map.of(), "rm", "-rf", unpacked.toString());
        }
    }

    /** Unpacks the archive's image (an OCI layout: index, manifest, layers) into {@code target}; answers its config. */
    private static JsonNode unpack(Path archive, Path target) throws Exception {
        Path layout = Files.createTempDirectory("relay-layout-");
        run(layout, Map.of(), "tar", "xf", archive.toString());
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.path("manifests").path(0).path("digest").asText()).toFile());
        for (JsonNode layer : manifest.path("layers")) {
            run(target, Map.of(), "tar", "xzf", blob(layout, layer.path("digest").asText()).toString());
        }
        JsonNode config = JSON.readTree(blob(layout, manifest.path("config").path("digest").asText()).toFile());
        run(layout, Map.of(), "rm", "-rf", layout.toString());
        return config;
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static void run(Path directory, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), output).isZero();
    }
}
