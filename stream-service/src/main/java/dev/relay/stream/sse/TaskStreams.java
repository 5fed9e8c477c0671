package dev.relay.stream.sse;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

import dev.relay.stream.config.StreamConfig;
import dev.relay.stream.repository.StoredEventRepository;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Opens {@link TaskStream}s on the caller's Vert.x context. */
@Startup
@ApplicationScoped
public class TaskStreams {

    private final LiveEvents live;
    private final StoredEventRepository log;
    private final StreamConfig config;
    private final Counter cutOffs;

    public TaskStreams(LiveEvents live, StoredEventRepository log, StreamConfig config, MeterRegistry registry) {
        this.cutOffs = Counter.builder("relay.sse.connections.cut").tag("reason", "slow_consumer")
                .description("Event streams ended by this replica because the viewer fell too far behind").register(registry);
        this.live = live;
        this.log = log;
        this.config = config;
    }

    /**
     * Writes every event of the task with a seq greater than {@code from.after()} to {@code out}, then live events
     * until the run ends, and not before the event {@code from.through()} is sent; {@code onClose} runs once when the
     * stream is over, however it ended. Answers what ends the stream early.
     */
    public Runnable open(UUID taskId, StreamFrom from, SseWriter out, Runnable onClose) {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("streams must be opened on a Vert.x context");
        }
        TaskStream stream = new TaskStream(taskId, from, out, onClose, context, log, config, cutOffs);
        stream.start(live);
        return () -> context.runOnContext(ignored -> stream.stop());
    }
}
