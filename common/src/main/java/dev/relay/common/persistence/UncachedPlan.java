package dev.relay.common.persistence;

import java.util.List;

/**
 * Keeps a native select out of Hibernate's query plan cache. With Hibernate ORM 7.2 and Hibernate Reactive 3.2 a
 * native select's cached plan never matches the next lookup (the stored key holds the result mapping as the plan left
 * it, the lookup a fresh one), so every execution added a plan: the cache filled with copies of the hot selects,
 * each lookup walked all copies of its SQL on the event loop, and the HQL plans were pushed out and parsed again
 * (about 5–8 % of the task service's event-loop samples under load; docs/benchmarks.md). Hibernate neither looks up nor
 * stores the plan of a query with a list-valued parameter, so a hot native select binds one of its parameters as a
 * one-element list written in parentheses, {@code (:org)}: Hibernate sends it as a single {@code ?}, and the select
 * builds its plan each time, as it did anyway. {@code UncachedPlanTest} (task service) shows the leak and its absence.
 */
public final class UncachedPlan {

    private UncachedPlan() {
    }

    /**
     * {@code value} (never null: a nullable parameter cannot serve) bound so that its query's plan is not cached; its
     * placeholder must be written as {@code (:name)}.
     */
    public static <T> List<T> bind(T value) {
        return List.of(value);
    }
}
