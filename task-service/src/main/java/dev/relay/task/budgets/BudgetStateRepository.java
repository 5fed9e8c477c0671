package dev.relay.task.budgets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.FlushModeType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.persistence.UncachedPlan;
import dev.relay.common.event.BudgetStateChanged;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The newest budget state of each organization, as the billing service published it. */
@ApplicationScoped
class BudgetStateRepository {

    private final ObjectMapper json;

    BudgetStateRepository(ObjectMapper json) {
        this.json = json;
    }

    /** Keeps {@code state} unless a state of a higher version is kept already; answers whether it was kept. */
    public Uni<Boolean> keepIfNewer(BudgetStateChanged state) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        -- bound as text: the client would send a String bound to jsonb as a JSON string
                        INSERT INTO {h-schema}budget_state (org, version, state) VALUES (:org, :version, CAST(CAST(:state AS text) AS jsonb))
                        ON CONFLICT (org) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state
                        WHERE budget_state.version < EXCLUDED.version""")
                .setParameter("org", state.org()).setParameter("version", state.version()).setParameter("state", write(state))
                .executeUpdate().map(changed -> changed > 0));
    }

    /** The organization's newest state; null when billing published none (no cap applies). */
    public Uni<BudgetStateChanged> find(String org) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT CAST(state AS text) FROM {h-schema}budget_state WHERE org = (:org)", String.class)
                // nothing a session holds unwritten concerns this table (written by native statements only): the read
                // does not flush the caller's changes early, which would write its task and run twice
                .setFlushMode(FlushModeType.COMMIT)
                .setParameter("org", UncachedPlan.bind(org)).getSingleResultOrNull()
                .map(stored -> stored == null ? null : read(stored)));
    }

    private String write(BudgetStateChanged state) {
        try {
            return json.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a budget state", e);
        }
    }

    private BudgetStateChanged read(String stored) {
        try {
            return json.readValue(stored, BudgetStateChanged.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable budget state", e);
        }
    }
}
