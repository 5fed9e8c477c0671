package dev.relay.stream.sse;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * This replica's fan-out of newly stored events to its open streams. It listens on PostgreSQL's
 * {@link LiveNotice#CHANNEL}, where whichever replica stored an event announced it after commit.
 */
@ApplicationScoped
public class LiveEvents {

    private static final Logger LOG = Logger.getLogger(LiveEvents.class);

    private final Map<UUID, Set<Consumer<LiveNotice>>> listeners = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private PgSubscriber subscriber;

    public LiveEvents(Vertx vertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent ignored) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", "")).setUser(user);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempts -> 500L);
        subscriber.channel(LiveNotice.CHANNEL).handler(this::dispatch);
        subscriber.connect().onFailure(e -> LOG.errorf(e, "cannot LISTEN on %s; streams will only catch up on heartbeats",
                LiveNotice.CHANNEL));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (subscriber != null) {
            subscriber.close();
        }
    }

    /** Calls {@code listener} with each new event of the task until the returned handle is run. */
    public Runnable listen(UUID taskId, Consumer<LiveNotice> listener) {
        listeners.computeIfAbsent(taskId, id -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> listeners.computeIfPresent(taskId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    private void dispatch(String payload) {
        LiveNotice notice;
        try {
            notice = LiveNotice.decode(payload);
        } catch (RuntimeException e) {
            LOG.warnf("ignoring malformed notice %s", payload);
            return;
        }
        Set<Consumer<LiveNotice>> viewers = listeners.get(notice.taskId());
        if (viewers != null) {
            viewers.forEach(viewer -> viewer.accept(notice));
        }
    }
}
