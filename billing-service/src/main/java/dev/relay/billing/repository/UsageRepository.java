package dev.relay.billing.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.persistence.UncachedPlan;
import dev.relay.billing.domain.GroupBy;
import dev.relay.billing.domain.UsageGroup;
import dev.relay.billing.domain.UsageReport;
import dev.relay.common.budget.BudgetWindow;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The usage ledger: one row per usage report, keyed by its event id. */
@ApplicationScoped
public class UsageRepository {

    /**
     * A batch in one statement (arrays, not a parameter per value), as the stream service stores its log; the same
     * statement marks the budgets the new rows count against as due for a new published state. The mark is set even
     * where the row already reads pending: a publication under way may be clearing it, and its sum may have been read
     * before these rows committed. Locking the row waits for that publication and marks the state due again after it.
     */
    private static final String INSERT = """
            WITH inserted AS (
                INSERT INTO billing.usage_entry (event_id, org, user_email, project_id, task_id, run_id, model, input_tokens,
                                                 output_tokens, neo_tokens, reported_at)
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::bigint[],
                                     $9::bigint[], $10::bigint[], $11::timestamptz[])
                ON CONFLICT (event_id) DO NOTHING
                RETURNING org),
            due AS (
                SELECT org FROM billing.budget_publication WHERE org IN (SELECT org FROM inserted)
                ORDER BY org FOR UPDATE),
            marked AS (
                UPDATE billing.budget_publication SET pending = true WHERE org IN (SELECT org FROM due))
            SELECT count(*) FROM inserted""";

    private final Pool pool;

    public UsageRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records the reports in one statement (so all or none); a report already recorded (same event id) is left as it
     * is, so delivering a report again changes no total. Answers how many were new.
     */
    public Uni<Integer> recordAll(List<UsageReport> reports) {
        int size = reports.size();
        UUID[] eventIds = new UUID[size];
        String[] orgs = new String[size];
        String[] users = new String[size];
        String[] projects = new String[size];
        UUID[] tasks = new UUID[size];
        UUID[] runs = new UUID[size];
        String[] models = new String[size];
        Long[] inputs = new Long[size];
        Long[] outputs = new Long[size];
        Long[] neo = new Long[size];
        OffsetDateTime[] reportedAt = new OffsetDateTime[size];
        for (int i = 0; i < size; i++) {
            UsageReport report = reports.get(i);
            eventIds[i] = report.eventId();
            orgs[i] = report.org();
            users[i] = report.userEmail();
            projects[i] = report.projectId();
            tasks[i] = report.taskId();
            runs[i] = report.runId();
            models[i] = report.model();
            inputs[i] = report.inputTokens();
            outputs[i] = report.outputTokens();
            neo[i] = report.neoTokens();
            reportedAt[i] = report.reportedAt().atOffset(ZoneOffset.UTC);
        }
        Tuple columns = Tuple.tuple().addArrayOfUUID(eventIds).addArrayOfString(orgs).addArrayOfString(users).addArrayOfString(projects)
                .addArrayOfUUID(tasks).addArrayOfUUID(runs).addArrayOfString(models).addArrayOfLong(inputs).addArrayOfLong(outputs)
                .addArrayOfLong(neo).addArrayOfOffsetDateTime(reportedAt);
        return pool.preparedQuery(INSERT).execute(columns).map(rows -> rows.iterator().next().getLong(0).intValue());
    }

    /** The Neo tokens the organization consumed in the window. */
    public Uni<Long> consumed(String org, BudgetWindow window) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT coalesce(sum(neo_tokens), 0) FROM {h-schema}usage_entry
                        WHERE org = (:org) AND reported_at >= :from AND reported_at < :to""", Long.class)
                .setParameter("org", UncachedPlan.bind(org)).setParameter("from", window.start()).setParameter("to", window.endOrFarFuture())
                .getSingleResult());
    }

    /**
     * The organization's usage from {@code from} until {@code to}, summed by {@code groupBy}, largest first; only
     * {@code user}'s when given.
     */
    @SuppressWarnings("unchecked")
    public Uni<List<UsageGroup>> grouped(String org, Instant from, Instant to, GroupBy groupBy, String user) {
        String key = switch (groupBy) {
            case DAY -> "to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
            case MODEL -> "model";
            case USER -> "coalesce(user_email, '')";
            case PROJECT -> "coalesce(project_id, '')";
            case TASK -> "CAST(task_id AS text)";
        };
        String order = groupBy == GroupBy.DAY ? "1" : "4 DESC, 1";
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("SELECT " + key + ", sum(input_tokens), sum(output_tokens), "
                    + "sum(neo_tokens) FROM {h-schema}usage_entry WHERE org = (:org) AND reported_at >= :from AND reported_at < :to "
                    + (user == null ? "" : "AND user_email = :user ") + "GROUP BY 1 ORDER BY " + order, Object[].class)
                    .setParameter("org", UncachedPlan.bind(org)).setParameter("from", from).setParameter("to", to);
            return (user == null ? query : query.setParameter("user", user)).getResultList();
        }).map(rows -> ((List<Object[]>) (List<?>) rows).stream().map(row -> new UsageGroup((String) row[0],
                ((Number) row[1]).longValue(), ((Number) row[2]).longValue(), ((Number) row[3]).longValue())).toList());
    }
}
