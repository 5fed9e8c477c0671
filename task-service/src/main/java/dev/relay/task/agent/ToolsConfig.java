package dev.relay.task.agent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The limits of the agent's built-in tools. */
@ConfigMapping(prefix = "relay.tools")
public interface ToolsConfig {

    /**
     * How long one call of a built-in tool may take, all of it (connecting, the handshake, reading the answer): at
     * the deadline the call is stopped (its connection closed), and the model gets a failed result.
     */
    @WithDefault("10s")
    Duration timeout();

    /** The most tool calls one model message may ask for; the calls past it are refused (a failed result). */
    @WithDefault("8")
    int maxCallsPerMessage();

    /** The most tool calls one run may make (across its resumes); the calls past it are refused (a failed result). */
    @WithDefault("40")
    int maxCallsPerRun();

    /** The most characters of a tool's result kept (in the run's events and sent to the model). */
    @WithDefault("16384")
    int maxResultCharacters();

    /**
     * The tools whose changing calls a task in {@code balanced} approval mode asks the user about first (in
     * {@code manual} mode every changing call is asked about, in {@code auto} none).
     */
    Optional<List<String>> sensitive();

    Http http();

    interface Http {

        /** The hosts {@code http_request} may call (exact names or {@code *.example.com}); none: the tool is off. */
        Optional<List<String>> allowedHosts();

        /** The most bytes of a response body read. */
        @WithDefault("256K")
        MemorySize maxResponseBytes();
    }
}
