package dev.relay.stream.sse;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.stream.config.StreamConfig;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/** Opens {@link TaskStream}s: the first frame tells the client how long to wait before reconnecting. */
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
        return Multi.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            if (context == null) {
                emitter.fail(new IllegalStateException("streams must be opened on a Vert.x context"));
                return;
            }
            emitter.emit(Frame.hello(config.retry().toMillis()));
            new TaskStream(taskId, after, emitter, context, pool, config).start(live);
        });
    }
}
