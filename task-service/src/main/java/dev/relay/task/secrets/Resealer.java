package dev.relay.task.secrets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

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

    /** One pass over every kind; how many values it re-sealed. */
    public Uni<Integer> reseal() {
        if (!cipher.configured()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(stores.stream().toList())
                .onItem().transformToUniAndConcatenate(store -> store.resealUnderCurrentKey(cipher, config.resealBatch()).invoke(count -> {
                    if (count > 0) {
                        LOG.infof("re-sealed %d %s under key '%s'", count, store.kind(), cipher.keyId());
                    }
                }))
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
    }
}
