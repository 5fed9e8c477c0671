package dev.relay.task.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.task.task.TaskRun;
import dev.relay.task.task.TaskRunRepository;
import io.smallrye.mutiny.Uni;

/**
 * An organization's limit of runs working at once, held across all instances: the limit is a set of numbered slots,
 * and an active run holds one. A claim takes a free slot by locking its number for its transaction without waiting
 * (so claims of one organization never queue behind each other) and only then checking that no committed active run
 * holds it: a claim that committed first is seen, one still in flight holds the lock. A unique index backs this up.
 */
@ApplicationScoped
class OrgSlots {

    /** Free slots tried before the run is left to wait (another claim may be taking the same ones). */
    private static final int TRIES = 3;

    private final TaskRunRepository runs;

    OrgSlots(TaskRunRepository runs) {
        this.runs = runs;
    }

    /**
     * In the claim's transaction: a slot of the run's organization, whose limit is {@code limit}, now held by this
     * transaction, or null when none is free.
     */
    Uni<Integer> take(TaskRun run, int limit) {
        if (limit <= 4 * TRIES) {
            return runs.heldSlotCount(run.orgId).chain(held -> held >= limit ? Uni.createFrom().<Integer>nullItem() : listed(run, limit, null));
        }
        // a high limit, mostly free: the first number drawn at random is locked with the count, in its round trip
        List<Integer> drawn = candidates(Set.of(), limit);
        return runs.heldSlotCountAndTryLock(run.orgId, drawn.get(0)).chain(count -> {
            if (count.held() >= limit) {
                // a lowered limit: slots numbered past it are still held until their runs end
                return Uni.createFrom().<Integer>nullItem();
            }
            if (2 * count.held() < limit && limit - count.held() > 4 * TRIES) {
                // most slots are free: numbers drawn at random are tried without reading every held one (thousands
                // under a high limit, read again by every claim); all three taken, the list decides
                Uni<Boolean> firstBusy = count.locked() ? runs.slotHeld(run.orgId, drawn.get(0)) : Uni.createFrom().item(true);
                return firstBusy.chain(busy -> busy ? firstFree(run.orgId, drawn.subList(1, drawn.size())) : Uni.createFrom().item(drawn.get(0)))
                        .chain(slot -> slot != null ? Uni.createFrom().item(slot) : listed(run, limit, null));
            }
            // the slot locked with the count is tried first: left locked unused, it would turn away another claim
            return listed(run, limit, count.locked() ? drawn.get(0) : null);
        });
    }

    /**
     * A slot chosen among those no committed active run holds; {@code locked} (when not null), a slot this claim holds
     * the lock of already, comes first when no run holds it.
     */
    private Uni<Integer> listed(TaskRun run, int limit, Integer locked) {
        return runs.heldSlots(run.orgId).chain(held -> {
            if (held.size() >= limit) {
                return Uni.createFrom().<Integer>nullItem();
            }
            Set<Integer> taken = new HashSet<>(held);
            // claims racing for the same organization mostly try different slots
            List<Integer> candidates = new ArrayList<>(candidates(taken, limit));
            if (locked != null && !taken.contains(locked)) {
                candidates.remove(locked);
                candidates.add(0, locked);
            }
            return firstFree(run.orgId, candidates);
        });
    }

    /** Up to {@link #TRIES} free slots below {@code limit}, at random, without listing every slot of a high limit. */
    static List<Integer> candidates(Set<Integer> taken, int limit) {
        int free = limit - taken.size();
        List<Integer> candidates = new ArrayList<>(TRIES);
        if (free > 4 * TRIES) {
            // most slots are free: draw numbers until enough free ones came
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (candidates.size() < TRIES) {
                int slot = random.nextInt(limit);
                if (!taken.contains(slot) && !candidates.contains(slot)) {
                    candidates.add(slot);
                }
            }
            return candidates;
        }
        for (int slot = 0; slot < limit; slot++) {
            if (!taken.contains(slot)) {
                candidates.add(slot);
            }
        }
        Collections.shuffle(candidates);
        return candidates.subList(0, Math.min(TRIES, candidates.size()));
    }

    private Uni<Integer> firstFree(String org, List<Integer> candidates) {
        if (candidates.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        int slot = candidates.get(0);
        return runs.tryLockSlot(org, slot)
                .chain(locked -> locked ? runs.slotHeld(org, slot) : Uni.createFrom().item(true))
                .chain(busy -> busy ? firstFree(org, candidates.subList(1, candidates.size())) : Uni.createFrom().item(slot));
    }
}
