package dev.relay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/** An HTTP client on a Vert.x of its own (two event loops) that keeps up to {@code connections} connections to one server. */
record VertxHttp(Vertx vertx, HttpClient client) implements AutoCloseable {

    static VertxHttp open(int connections) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        return new VertxHttp(vertx, vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0).setConnectTimeout(60_000),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1)));
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
