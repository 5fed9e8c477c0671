package dev.relay.task.secrets;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.relay.common.error.ApiException;
import dev.relay.common.lifecycle.StartingOrStopping;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Moves every sealed value onto the current key after a rotation: each pass re-seals a batch of each kind whose key id
 * is not the current one (opened with the old key from the ring). Once the log says nothing is left under the old key,
 * the operator may drop it from {@code relay.secrets.old-keys} (docs/operators.md, "Rotating the secrets key").
 */
@ApplicationScoped
public class Resealer {

    private static final Logger LOG = Logger.getLogger(Resealer.class);

    private final SecretCipher cipher;
    private final Instance<SealedValues> stores;
    private final SecretsConfig config;
    /** The organizations whose re-seal this instance is doing now: one at a time each. */
    private final java.util.Set<String> resealing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Resealer(SecretCipher cipher, Instance<SealedValues> stores, SecretsConfig config) {
        this.cipher = cipher;
        this.stores = stores;
        this.config = config;
    }

    @Scheduled(every = "{relay.secrets.reseal-interval}", delayed = "{relay.secrets.reseal-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = StartingOrStopping.class)
    Uni<Void> scheduled() {
        return reseal().replaceWithVoid();
    }

    /** What an organization's re-seal did: the current key's id, how many values it moved onto it, how many are left. */
    public record Resealed(String keyId, int resealed, long remaining) {
    }

    /** One pass over every kind; how many values it re-sealed. */
    public Uni<Integer> reseal() {
        if (!cipher.configured()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(stores.stream().toList())
                .onItem().transformToUniAndConcatenate(store -> store.resealUnderCurrentKey(cipher, null, config.resealBatch()).invoke(count -> {
                    if (count > 0) {
                        LOG.infof("re-sealed %d %s under key '%s'", count, store.kind(), cipher.keyId());
                    }
                }))
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
    }

    /**
     * Re-seals every value of {@code org} under the current key now, a batch at a time (an admin's request, so the old
     * key can be dropped without waiting for the background passes). A value under a key in no ring stays where it
     * is and is counted in {@code remaining}. One re-seal of an organization at a time per instance (409 otherwise), so
     * an admin's repeated calls cannot hold a connection each.
     */
    public Uni<Resealed> resealOrg(String org) {
        if (!cipher.configured()) {
            return Uni.createFrom().failure(new ApiException(503, "unavailable", "service unavailable",
                    "the secrets store is not configured here (relay.secrets.key)"));
        }
        if (!resealing.add(org)) {
            return Uni.createFrom().failure(ApiException.conflict("reseal_in_progress",
                    "the organization's values are being re-sealed already; try again when that call has answered"));
        }
        return resealAll(org).onTermination().invoke(() -> resealing.remove(org));
    }

    private Uni<Resealed> resealAll(String org) {
        List<SealedValues> kinds = stores.stream().toList();
        return Multi.createFrom().iterable(kinds).onItem().transformToUniAndConcatenate(store -> allOf(store, org, 0))
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue))
                .chain(resealed -> Multi.createFrom().iterable(kinds).onItem().transformToUniAndConcatenate(store -> store.underAnotherKey(cipher.keyId(), org))
                        .collect().with(java.util.stream.Collectors.summingLong(Long::longValue))
                        .map(remaining -> new Resealed(cipher.keyId(), resealed, remaining)))
                .invoke(done -> LOG.infof("re-sealed %d values of organization '%s' under key '%s' at an admin's request",
                        done.resealed(), org, done.keyId()));
    }

    private Uni<Integer> allOf(SealedValues store, String org, int before) {
        int batch = Math.max(1, config.resealBatch());
        return store.resealUnderCurrentKey(cipher, org, batch).chain(count -> count < batch
                ? Uni.createFrom().item(before + count) : allOf(store, org, before + count));
    }
}
