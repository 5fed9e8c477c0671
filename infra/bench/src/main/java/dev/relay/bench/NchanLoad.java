package dev.relay.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The stream benchmark's reference: the same load (subscribers, message size, rate) through nchan, published over
 * HTTP. Every subscriber must answer 200 and every message reach its subscriber, or the reference measures nothing.
 */
final class NchanLoad {

    /** Concurrent HTTP publishes to nchan. */
    private static final int PUBLISHERS = 64;

    private NchanLoad() {
    }

    static void run(String pubBase, String subBase, int channels, int rate, int seconds, int warmup) throws Exception {
        Latencies latencies = new Latencies();
        Warmup warm = new Warmup();
        AtomicLong lastReceipt = new AtomicLong();
        try (VertxHttp http = VertxHttp.open(channels); VertxHttp publisher = VertxHttp.open(PUBLISHERS)) {
            List<CompletableFuture<Integer>> opened = new ArrayList<>();
            // channels of their own per run: nchan replays a channel's buffered messages to new subscribers
            String run = Long.toString(System.nanoTime(), 36);
            for (int i = 0; i < channels; i++) {
                opened.add(SseConnection.open(http.client(), URI.create(subBase + "/ch" + run + "x" + i), null, (event, body) -> {
                    long now = System.nanoTime();
                    long sent = Envelopes.sentNanos(body);
                    if (warm.isMeasured(sent)) {
                        latencies.record(now - sent);
                        lastReceipt.set(now);
                    }
                }));
            }
            SseConnection.requireAllOk(opened, 60, "nchan subscribers");
            Thread.sleep(500);
            Semaphore inFlight = new Semaphore(PUBLISHERS);
            LongConsumer publish = n -> {
                String body = "{\"delta\":\"" + Envelopes.PAD + "\",\"sent_nanos\":" + System.nanoTime() + "}";
                inFlight.acquireUninterruptibly();
                // done once nchan answered (its short body is dropped): waiting on body() can miss a body that already came
                publisher.client().request(new RequestOptions().setMethod(HttpMethod.POST)
                                .setAbsoluteURI(pubBase + "?id=ch" + run + "x" + (n % channels)))
                        .compose(request -> request.send(Buffer.buffer(body)))
                        .onComplete(answered -> inFlight.release());
            };
            LongSupplier received = () -> warm.received() + latencies.count();
            warm.run(rate, warmup, publish, received, () -> {
                inFlight.acquireUninterruptibly(PUBLISHERS);
                inFlight.release(PUBLISHERS);
            });
            long start = System.nanoTime();
            long published = Pacing.pace(rate, seconds, publish, received.getAsLong(), received);
            long publishedIn = System.nanoTime() - start;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(30, seconds * 2L));
            while (latencies.count() < published && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            InvariantViolation.check(latencies.count() == published, "nchan: %d messages published, %d delivered",
                    published, latencies.count());
            LoadFigures.print("nchan", published, publishedIn, latencies, lastReceipt.get() - start);
        }
    }
}
