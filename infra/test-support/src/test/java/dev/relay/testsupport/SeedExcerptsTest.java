package dev.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped OpenAPI excerpts are the seeds' ```` ```yaml ```` fences, verbatim (checked where the seeds are). */
class SeedExcerptsTest {

    @ParameterizedTest
    @CsvSource({
            "000_48fba73d1045e462.txt, seed-openapi/000-create-task.yaml",
            "001_30ff4f83d536049d.txt, seed-openapi/001-task-details.yaml"})
    void theCopyIsTheSeedsFence(String seed, String copy) throws IOException {
        Path seeds = seeds();
        assumeTrue(seeds != null, "no shared/seeds beside the repository or above it");
        String text = Files.readString(seeds.resolve(seed));
        int start = text.indexOf('\n', text.indexOf("````yaml")) + 1;
        String fence = text.substring(start, text.indexOf("\n````", start) + 1);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(copy)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(fence);
        }
    }

    private static Path seeds() {
        for (Path dir = RelayPaths.root().getParent(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared/seeds"))) {
                return dir.resolve("shared/seeds");
            }
        }
        return null;
    }
}
