package dev.relay.billing.repository;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.billing.domain.GroupBy;
import dev.relay.billing.domain.UsageGroup;
import dev.relay.billing.domain.UsageReport;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The usage ledger: one row per usage report, keyed by its event id. */
@ApplicationScoped
public class UsageRepository {

    private static final int ROWS_PER_INSERT = 500;

    /**
     * Records the reports in the caller's transaction; a report already recorded (same event id) is left as it is,
     * so delivering a report again changes no total. Answers how many were new.
     */
    public Uni<Integer> recordAll(List<UsageReport> reports) {
        Uni<Integer> recorded = Uni.createFrom().item(0);
        for (int from = 0; from < reports.size(); from += ROWS_PER_INSERT) {
            List<UsageReport> chunk = reports.subList(from, Math.min(reports.size(), from + ROWS_PER_INSERT));
            recorded = recorded.chain(before -> insert(chunk).map(inserted -> before + inserted));
        }
        return recorded;
    }

    private Uni<Integer> insert(List<UsageReport> chunk) {
        StringBuilder sql = new StringBuilder("""
                INSERT INTO {h-schema}usage_entry (event_id, org, user_email, project_id, task_id, run_id, model, input_tokens,
                                                   output_tokens, neo_tokens, reported_at) VALUES """);
        for (int i = 0; i < chunk.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:e").append(i).append(", :o").append(i).append(", NULLIF(:u").append(i)
                    .append(", ''), NULLIF(:p").append(i).append(", ''), :t").append(i).append(", :r").append(i).append(", :m").append(i)
                    .append(", :in").append(i).append(", :out").append(i).append(", :neo").append(i).append(", :at").append(i).append(')');
        }
        sql.append(" ON CONFLICT (event_id) DO NOTHING");
        return Panache.getSession().chain(session -> {
            var insert = session.createNativeQuery(sql.toString());
            for (int i = 0; i < chunk.size(); i++) {
                UsageReport report = chunk.get(i);
                insert.setParameter("e" + i, report.eventId()).setParameter("o" + i, report.org())
                        .setParameter("u" + i, report.userEmail() == null ? "" : report.userEmail())
                        .setParameter("p" + i, report.projectId() == null ? "" : report.projectId())
                        .setParameter("t" + i, report.taskId()).setParameter("r" + i, report.runId())
                        .setParameter("m" + i, report.model()).setParameter("in" + i, report.inputTokens())
                        .setParameter("out" + i, report.outputTokens()).setParameter("neo" + i, report.neoTokens())
                        .setParameter("at" + i, report.reportedAt());
            }
            return insert.executeUpdate();
        });
    }

    /** The Neo tokens the organization consumed from {@code from} until {@code to} (null: without end). */
    public Uni<Long> consumed(String org, Instant from, Instant to) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT coalesce(sum(neo_tokens), 0) FROM {h-schema}usage_entry
                        WHERE org = :org AND reported_at >= :from AND reported_at < :to""", Long.class)
                .setParameter("org", org).setParameter("from", from).setParameter("to", to == null ? Instant.parse("9999-01-01T00:00:00Z") : to)
                .getSingleResult());
    }

    /** The organization's usage from {@code from} until {@code to}, summed by {@code groupBy}, largest first. */
    @SuppressWarnings("unchecked")
    public Uni<List<UsageGroup>> grouped(String org, Instant from, Instant to, GroupBy groupBy) {
        String key = switch (groupBy) {
            case DAY -> "to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
            case MODEL -> "model";
            case USER -> "coalesce(user_email, '')";
            case PROJECT -> "coalesce(project_id, '')";
            case TASK -> "CAST(task_id AS text)";
        };
        String order = groupBy == GroupBy.DAY ? "1" : "4 DESC, 1";
        return Panache.getSession().chain(session -> session.createNativeQuery("SELECT " + key + ", sum(input_tokens), sum(output_tokens), "
                        + "sum(neo_tokens) FROM {h-schema}usage_entry WHERE org = :org AND reported_at >= :from AND reported_at < :to "
                        + "GROUP BY 1 ORDER BY " + order, Object[].class)
                .setParameter("org", org).setParameter("from", from).setParameter("to", to)
                .getResultList()
                .map(rows -> ((List<Object[]>) (List<?>) rows).stream().map(row -> new UsageGroup((String) row[0],
                        ((Number) row[1]).longValue(), ((Number) row[2]).longValue(), ((Number) row[3]).longValue())).toList()));
    }
}
