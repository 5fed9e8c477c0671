package dev.relay.task.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.task.task.TaskRunRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Each organization's limit of runs working at once: the operator's default ({@code relay.runs.org-max-active}), or
 * the organization's own, which its admins set up to the operator's ceiling ({@code relay.runs.org-max-active-ceiling}).
 * A claim reads it from a cache of a few seconds, so a change holds on every instance within that time.
 */
@ApplicationScoped
class OrgRunLimits {

    private static final Duration CACHED_FOR = Duration.ofSeconds(5);

    /** What an organization's queue looks like now. */
    record QueueState(int maxActiveRuns, boolean ownLimit, int defaultMaxActiveRuns, int ceiling, long activeRuns, long waitingRuns) {
    }

    private final OrgRunLimitRepository limits;
    private final TaskRunRepository runs;
    private final RunQueueConfig config;
    private final Cache<String, Integer> cache = Caffeine.newBuilder().expireAfterWrite(CACHED_FOR).maximumSize(100_000).build();

    OrgRunLimits(OrgRunLimitRepository limits, TaskRunRepository runs, RunQueueConfig config) {
        this.limits = limits;
        this.runs = runs;
        this.config = config;
    }

    /** The organization's limit, in the caller's session. */
    Uni<Integer> of(String org) {
        Integer cached = cache.getIfPresent(org);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return limits.findById(org).map(own -> {
            int limit = effective(own);
            cache.put(org, limit);
            return limit;
        });
    }

    /** The limits of {@code orgs}, in the caller's session. */
    Uni<Map<String, Integer>> of(Collection<String> orgs) {
        return limits.of(orgs).map(own -> {
            Map<String, Integer> byOrg = new HashMap<>();
            orgs.forEach(org -> byOrg.put(org, config.orgMaxActive()));
            own.forEach(limit -> byOrg.put(limit.orgId, effective(limit)));
            return byOrg;
        });
    }

    Uni<QueueState> state(Caller caller) {
        return Panache.withSession(() -> state(caller.org()));
    }

    /** Sets the organization's own limit; admins only. */
    Uni<QueueState> set(Caller caller, int maxActive) {
        caller.requireAdmin("set its limit of runs at once");
        if (maxActive < 1 || maxActive > config.orgMaxActiveCeiling()) {
            throw ApiException.invalidRequest("field 'max_active_runs' must be between 1 and " + config.orgMaxActiveCeiling()
                    + " (the operator's ceiling), got " + maxActive);
        }
        return Panache.withTransaction(() -> limits.findById(caller.org()).chain(own -> {
            if (own == null) {
                return limits.persist(OrgRunLimit.of(caller.org(), maxActive, caller.email(), Instant.now())).replaceWithVoid();
            }
            own.set(maxActive, caller.email(), Instant.now());
            return Uni.createFrom().voidItem();
        })).invoke(() -> cache.invalidate(caller.org())).chain(() -> state(caller));
    }

    /** Back to the operator's default; admins only. */
    Uni<QueueState> reset(Caller caller) {
        caller.requireAdmin("reset its limit of runs at once");
        return Panache.withTransaction(() -> limits.deleteById(caller.org())).invoke(() -> cache.invalidate(caller.org()))
                .chain(() -> state(caller));
    }

    private Uni<QueueState> state(String org) {
        return limits.findById(org).chain(own -> runs.workingAndWaiting(org).map(counts -> {
            long active = 0;
            long waiting = 0;
            for (Object[] count : counts) {
                if ("active".equals(count[0])) {
                    active = (Long) count[1];
                } else {
                    waiting = (Long) count[1];
                }
            }
            return new QueueState(effective(own), own != null, config.orgMaxActive(), config.orgMaxActiveCeiling(), active, waiting);
        }));
    }

    private int effective(OrgRunLimit own) {
        return own == null ? config.orgMaxActive() : Math.min(own.maxActive, config.orgMaxActiveCeiling());
    }
}
