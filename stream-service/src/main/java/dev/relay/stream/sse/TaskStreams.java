package dev.relay.stream.sse;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.stream.config.StreamConfig;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/** Opens {@link TaskStream}s and tells each how many of its frames the connection has taken. */
@ApplicationScoped
public class TaskStreams {

    private final LiveEvents live;
    private final Pool pool;
    private final StreamConfig config;

    public TaskStreams(LiveEvents live, Pool pool, StreamConfig config) {
        this.live = live;
        this.pool = pool;
        this.config = config;
    }

    /** Every event of the task with a seq greater than {@code after}, then live events until the run ends. */
    public Multi<Frame> open(UUID taskId, long after) {
        AtomicLong delivered = new AtomicLong();
        TaskStream[] stream = new TaskStream[1];
        return Multi.createFrom().<Frame>emitter(emitter -> {
            Context context = Vertx.currentContext();
            if (context == null) {
                emitter.fail(new IllegalStateException("streams must be opened on a Vert.x context"));
                return;
            }
            stream[0] = new TaskStream(taskId, after, emitter, delivered, context, pool, config);
            stream[0].start(live);
        }).onItem().invoke(frame -> {
            delivered.incrementAndGet();
            if (stream[0] != null) {
                stream[0].onDelivered();
            }
        });
    }
}
