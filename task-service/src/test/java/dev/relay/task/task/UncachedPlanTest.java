package dev.relay.task.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import dev.relay.common.persistence.UncachedPlan;
import dev.relay.task.OnVertxContext;
import dev.relay.testsupport.RelayTestResources;
import io.quarkus.arc.ClientProxy;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Hibernate (ORM 7.2, Reactive 3.2) adds a plan to its query plan cache at every execution of a native select, since the
 * key it stores never matches the next lookup; the hot native selects bind a parameter through {@link UncachedPlan}
 * and leave the cache alone. The first test shows the leak itself: when it fails, Hibernate was fixed and
 * {@code UncachedPlan} can go.
 */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
class UncachedPlanTest {

    private static final int TIMES = 100;

    /** Plans the background passes (dispatchers, sweeps: HQL, cached once each) may add while a test measures. */
    private static final int BACKGROUND = 30;

    @Inject
    Mutiny.SessionFactory sessions;

    @Inject
    TaskRunRepository runs;

    @Inject
    Vertx vertx;

    @Test
    void aNativeSelectWithAScalarParameterAddsAPlanAtEveryExecution() throws Exception {
        String org = "plans-" + UUID.randomUUID();
        int added = plansAddedBy(() -> Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT count(*) FROM {h-schema}task WHERE org = :org", Long.class)
                .setParameter("org", org).getSingleResult())));
        assertThat(added).as("Hibernate's native select plans never match their cache key").isGreaterThanOrEqualTo(TIMES);
    }

    @Test
    void theSameSelectWithItsParameterBoundAsAOneElementListAddsNone() throws Exception {
        String org = "plans-" + UUID.randomUUID();
        int added = plansAddedBy(() -> Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT count(*) FROM {h-schema}task WHERE org = (:org)", Long.class)
                .setParameter("org", UncachedPlan.bind(org)).getSingleResult())));
        assertThat(added).isLessThan(BACKGROUND);
    }

    @Test
    void aClaimsSlotLockAddsNoPlans() throws Exception {
        UUID task = UUID.randomUUID();
        int added = plansAddedBy(() -> Panache.withTransaction(() -> runs.tryLockSlot("plans-" + task, 1)));
        assertThat(added).isLessThan(BACKGROUND);
    }

    /** Runs {@code query} {@link #TIMES} times; answers how many plans the cache gained meanwhile. */
    private int plansAddedBy(Supplier<Uni<?>> query) throws Exception {
        // an empty cache, so a full one (the suite's earlier tests) cannot hide what is added
        ormFactory().getQueryEngine().getInterpretationCache().close();
        OnVertxContext.await(vertx, query::get); // the first execution may cache what is cacheable
        int before = cachedPlans();
        for (int i = 0; i < TIMES; i++) {
            OnVertxContext.await(vertx, query::get);
        }
        return cachedPlans() - before;
    }

    private int cachedPlans() throws Exception {
        return ormFactory().getQueryEngine().getInterpretationCache().getNumberOfCachedQueryPlans();
    }

    /** Hibernate Reactive's factory keeps ORM's in a field: the plan cache is not part of its API. */
    private SessionFactoryImplementor ormFactory() throws Exception {
        Object factory = ClientProxy.unwrap(sessions);
        Field delegate = factory.getClass().getDeclaredField("delegate");
        delegate.setAccessible(true);
        return (SessionFactoryImplementor) delegate.get(factory);
    }
}
