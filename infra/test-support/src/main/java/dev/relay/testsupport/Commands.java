package dev.relay.testsupport;

import java.io.IOException;

/** Runs a command of the project's scripts to its end. */
final class Commands {

    private Commands() {
    }

    /** Runs {@code command} and waits for it; fails with its output when it exits with another status than 0. */
    static void run(ProcessBuilder command) throws IOException, InterruptedException {
        Process process = command.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", command.command()) + "\n" + output);
        }
    }
}
