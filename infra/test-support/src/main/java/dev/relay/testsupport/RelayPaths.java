package dev.relay.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's root, where infra/ lives, from the build's system property or the working directory. */
public final class RelayPaths {

    private RelayPaths() {
    }

    public static Path root() {
        String configured = System.getProperty("relay.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "infra"))) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("infra/kafka/broker.sh"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the Relay repository root (infra/kafka/broker.sh)");
    }
}
