package dev.relay.task.budgets;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.relay.common.event.BudgetStateChanged;
import io.smallrye.mutiny.Uni;

/**
 * Each organization's newest budget state, read from {@link BudgetStateRepository} at most once per
 * {@code relay.budget.state-cache-for}: a run's checks, its calls' reservations and its settlement would otherwise
 * read the same row several times per run. The state is the billing service's publication, already behind its source
 * by the broker's delay, so a replica that did not consume a newer one itself may answer the older one for that much
 * longer. The replica that keeps a state answers it at once; a state only ever gives way to a higher version.
 */
@ApplicationScoped
class KnownBudgetStates {

    private static final long NONE = Long.MIN_VALUE;

    private final BudgetStateRepository repository;
    private final Cache<String, Optional<BudgetStateChanged>> known;

    KnownBudgetStates(BudgetStateRepository repository, BudgetConfig config) {
        this.repository = repository;
        this.known = config.stateCacheFor().isZero() ? null
                : Caffeine.newBuilder().expireAfterWrite(config.stateCacheFor()).maximumSize(100_000).build();
    }

    /** The organization's newest state; null when billing published none (no cap applies). */
    Uni<BudgetStateChanged> find(String org) {
        Optional<BudgetStateChanged> cached = known == null ? null : known.getIfPresent(org);
        if (cached != null) {
            return Uni.createFrom().item(cached.orElse(null));
        }
        return repository.find(org).invoke(found -> remember(org, found));
    }

    /** Keeps {@code state} unless a newer one is kept already, in the caller's transaction; answers whether it was kept. */
    Uni<Boolean> keepIfNewer(BudgetStateChanged state) {
        // remembered before the commit: a create that sees the row committed must not be answered an older state
        return repository.keepIfNewer(state).invoke(kept -> {
            if (kept) {
                remember(state.org(), state);
            }
        });
    }

    private void remember(String org, BudgetStateChanged state) {
        if (known != null) {
            known.asMap().merge(org, Optional.ofNullable(state), (held, found) -> version(found) > version(held) ? found : held);
        }
    }

    private static long version(Optional<BudgetStateChanged> state) {
        return state.map(BudgetStateChanged::version).orElse(NONE);
    }
}
