package dev.relay.stream.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.stream")
public interface StreamConfig {

    /** The reconnection delay sent to clients in the SSE {@code retry:} field. */
    @WithDefault("3s")
    Duration retry();

    /** How often an idle stream sends a comment line (and re-checks the log), so proxies keep it open. */
    @WithDefault("15s")
    Duration heartbeat();

    /**
     * How long a stream waits for a missing seq before it sends a {@code stream.gap} event and moves on; also how long
     * an open waits for the stored log to hold the client's position, and a stream for its {@code through} seq.
     */
    @WithDefault("5s")
    Duration gapWait();

    /** How long a stream request for a task not yet known here waits for its first event before answering 404. */
    @WithDefault("5s")
    Duration unknownTaskWait();

    /** Frames a viewer may fall behind by before it is cut off with a {@code stream.cutoff} event saying where to resume. */
    @WithDefault("1000")
    int maxBacklog();

    /** Open streams per organization across every replica; beyond it a stream request answers 429. */
    @WithDefault("1000")
    int maxConnectionsPerOrg();

    /**
     * Open streams per user (a token's user, an API key's owner) across every replica; beyond it a stream request
     * answers 429.
     */
    @WithDefault("100")
    int maxConnectionsPerUser();

    /**
     * How long the open streams a replica counted in the database keep counting unless it renews them: a replica that
     * stopped without giving them back holds its slots no longer than this.
     */
    @WithDefault("30s")
    Duration slotLease();

    /** How often a replica writes its open streams' counts afresh and renews their lease (well under the lease). */
    @WithDefault("10s")
    Duration slotRenewal();

    /** How often a stream opened with an API key checks that the key is still valid; a revoked key's streams end. */
    @WithDefault("5s")
    Duration keyCheck();

    /**
     * Stream opens a replica checks at once (authentication, rate limit, who may read the task, where its log ends);
     * more wait their turn, so a storm of reconnections costs database time, not heap. At least 1.
     */
    @WithDefault("64")
    int opensAtOnce();

    /** How long one of those checks may take before the open is answered 503 (and its turn given to the next). */
    @WithDefault("10s")
    Duration openCheckTimeout();

    /** Events read from the log per query while replaying history. */
    @WithDefault("500")
    int replayPage();

    /**
     * Characters of envelopes (about bytes) one replay page holds at most: what a stream keeps in memory beyond its connection's write
     * queue, so a viewer that does not read costs a bounded amount whatever the size of the history.
     */
    @WithDefault("256K")
    MemorySize replayPageBytes();
}
