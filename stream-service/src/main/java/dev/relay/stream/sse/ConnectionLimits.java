package dev.relay.stream.sse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.relay.common.auth.Caller;
import dev.relay.common.lifecycle.StartingOrStopping;
import dev.relay.stream.config.StreamConfig;
import dev.relay.stream.repository.StreamSlotRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Caps the open streams per organization and per user across every replica, so one organization cannot take every
 * connection and one user cannot take all of its organization's.
 *
 * <p>Each replica counts what it holds per scope and writes those counts to {@code stream_slot} (an open's, in the
 * statement that checks the caps against every replica's live counts; a close's, after it), renewing them every
 * {@code slot-renewal}; a replica gone without a word stops counting when its lease ends. The counts written are
 * absolute, so a write lost or overtaken is set right by the next one: the caps may be off by the opens in flight for
 * that long. A database that fails or does not answer within {@code open-check-timeout} lets the open through on
 * this replica's own count (a cap is a brake, not a gate, as the rate limits are).
 */
@Startup
@ApplicationScoped
public class ConnectionLimits {

    private static final Logger LOG = Logger.getLogger(ConnectionLimits.class);

    private final UUID replica = UUID.randomUUID();
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
    private final StreamConfig config;
    private final StreamSlotRepository slots;
    private final Counter unavailable;
    private final AtomicLong lastWarning = new AtomicLong();
    private volatile boolean stopping;

    public ConnectionLimits(StreamConfig config, StreamSlotRepository slots, MeterRegistry registry) {
        if (config.slotRenewal().compareTo(config.slotLease()) >= 0) {
            throw new IllegalStateException("relay.stream.slot-renewal (" + config.slotRenewal()
                    + ") must be shorter than relay.stream.slot-lease (" + config.slotLease() + ")");
        }
        this.config = config;
        this.slots = slots;
        Gauge.builder("relay.sse.connections.open", held, all -> all.entrySet().stream()
                        .filter(scope -> isOrgScope(scope.getKey())).mapToInt(scope -> scope.getValue().get()).sum())
                .description("Event streams this replica serves").register(registry);
        unavailable = Counter.builder("relay.sse.slots.unavailable")
                .description("Stream opens let through on this replica's own count: the other replicas' could not be read")
                .register(registry);
    }

    /** Takes a slot for the caller, or answers why it has none left (null when it got one). */
    public Uni<String> tryAcquire(Caller caller) {
        String user = userScope(caller);
        String org = orgScope(caller);
        int userHeld = take(user, config.maxConnectionsPerUser());
        if (userHeld == 0) {
            return Uni.createFrom().item(userFull(caller));
        }
        int orgHeld = take(org, config.maxConnectionsPerOrg());
        if (orgHeld == 0) {
            give(user);
            return Uni.createFrom().item(orgFull(caller));
        }
        return slots.take(replica, org, user, orgHeld, userHeld, config.maxConnectionsPerOrg(),
                        config.maxConnectionsPerUser(), config.slotLease())
                .ifNoItem().after(config.openCheckTimeout()).fail()
                .onFailure().recoverWithItem(failure -> {
                    unavailable.increment();
                    warnAtMostEveryMinute(failure);
                    return null;
                })
                .map(full -> {
                    if (full == null) {
                        return null;
                    }
                    give(user);
                    give(org);
                    return "user".equals(full) ? userFull(caller) : orgFull(caller);
                });
    }

    /** The slots the caller holds on this replica: streams open, or opens waiting for the log. */
    public int held(Caller caller) {
        return count(userScope(caller));
    }

    public void release(Caller caller) {
        String user = userScope(caller);
        String org = orgScope(caller);
        give(user);
        give(org);
        if (stopping) {
            return; // its rows are gone: a stopping replica writes no more
        }
        slots.write(replica, Map.of(user, count(user), org, count(org)), config.slotLease()).subscribe().with(
                done -> { },
                failure -> LOG.debugf("stream slot counts not written (renewed within %s): %s", config.slotRenewal(), failure));
    }

    @Scheduled(every = "{relay.stream.slot-renewal}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> renew() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Integer> counts = new HashMap<>();
        held.forEach((scope, count) -> {
            if (count.get() > 0) {
                counts.put(scope, count.get());
            }
        });
        return slots.renew(replica, counts, config.slotLease()).onFailure().recoverWithUni(failure -> {
            LOG.warnf("stream slot counts not renewed: %s", failure.toString());
            return Uni.createFrom().voidItem();
        });
    }

    void giveAllBack(@Observes ShutdownEvent event) {
        stopping = true;
        try {
            slots.forget(replica).await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debugf("stream slots not given back (their lease ends them): %s", e.toString());
        }
    }

    private void warnAtMostEveryMinute(Throwable failure) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if ((last == 0 || now - last > Duration.ofMinutes(1).toNanos()) && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("stream slots not checked across replicas (%s); opens counted on this replica only "
                    + "(relay_sse_slots_unavailable_total counts them)", failure.toString());
        }
    }

    /** Counts one more under {@code scope} unless it has {@code max}: the new count, or 0 when full. */
    private int take(String scope, int max) {
        int[] taken = {0};
        held.compute(scope, (key, count) -> {
            AtomicInteger now = count == null ? new AtomicInteger() : count;
            if (now.get() < max) {
                taken[0] = now.incrementAndGet();
            }
            return now.get() == 0 ? null : now;
        });
        return taken[0];
    }

    /** Counts one less; the scope is forgotten at zero (atomic with {@link #take}). */
    private void give(String scope) {
        held.computeIfPresent(scope, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private int count(String scope) {
        AtomicInteger count = held.get(scope);
        return count == null ? 0 : count.get();
    }

    private static String userFull(Caller caller) {
        return "user '" + caller.email() + "' has too many open streams";
    }

    private static String orgFull(Caller caller) {
        return "organization '" + caller.org() + "' has too many open streams";
    }

    private static boolean isOrgScope(String scope) {
        return scope.startsWith("o:");
    }

    private static String orgScope(Caller caller) {
        return orgScope(caller.org());
    }

    private static String userScope(Caller caller) {
        return userScope(caller.org(), caller.email());
    }

    /** The scope an organization's streams are counted under: a digest, whatever its token's claim holds. */
    public static String orgScope(String org) {
        return "o:" + digest(org);
    }

    /** The scope a user's streams are counted under (the organization's name and the user's, apart). */
    public static String userScope(String org, String email) {
        return "u:" + digest(org + '\u0000' + email);
    }

    private static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
