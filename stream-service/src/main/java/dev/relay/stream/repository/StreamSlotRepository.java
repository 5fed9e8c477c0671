package dev.relay.stream.repository;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The open streams each replica holds per scope ({@code stream_slot}, migration V7): one statement per open, per close
 * and per renewal, without a session. Every write takes its rows in scope order, so two cannot deadlock.
 */
@ApplicationScoped
public class StreamSlotRepository {

    private static final String TAKE = "SELECT stream.take_stream_slot($1, $2, $3, $4, $5, $6, $7, $8)";

    private static final String WRITE = """
            INSERT INTO stream.stream_slot (scope, replica, held, lease_until)
            SELECT scope, $1, held, now() + $4 * interval '1 millisecond' FROM unnest($2::text[], $3::int[]) AS m(scope, held)
            ORDER BY scope
            ON CONFLICT (scope, replica) DO UPDATE SET held = EXCLUDED.held, lease_until = EXCLUDED.lease_until""";

    /** This replica's counts written afresh; its scopes not among them, and every lease long over, removed. */
    private static final String RENEW = "WITH written AS (" + WRITE + ")\n" + """
            DELETE FROM stream.stream_slot
            WHERE (replica = $1 AND NOT scope = ANY($2::text[])) OR lease_until < now() - interval '1 hour'""";

    private static final String FORGET = "DELETE FROM stream.stream_slot WHERE replica = $1";

    private final Pool pool;

    public StreamSlotRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Takes a slot the replica would hold as its {@code userHeld}-th of the user's scope and {@code orgHeld}-th of the
     * organization's: null when taken, else which cap ("user" or "org") the replicas' live counts together reach.
     */
    public Uni<String> take(UUID replica, String orgScope, String userScope, int orgHeld, int userHeld, int maxOrg,
            int maxUser, Duration lease) {
        Tuple args = Tuple.tuple().addUUID(replica).addString(orgScope).addString(userScope).addInteger(orgHeld)
                .addInteger(userHeld).addInteger(maxOrg).addInteger(maxUser).addLong(lease.toMillis());
        return pool.preparedQuery(TAKE).execute(args).map(rows -> rows.iterator().next().getString(0));
    }

    /** Writes what the replica now holds in {@code held}'s scopes (a count of 0 included). */
    public Uni<Void> write(UUID replica, Map<String, Integer> held, Duration lease) {
        return pool.preparedQuery(WRITE).execute(counts(replica, held, lease)).replaceWithVoid();
    }

    /** Writes every count the replica holds, renewing their lease, and removes the rest of its rows. */
    public Uni<Void> renew(UUID replica, Map<String, Integer> held, Duration lease) {
        return pool.preparedQuery(RENEW).execute(counts(replica, held, lease)).replaceWithVoid();
    }

    /** The replica holds nothing any more: it is stopping. */
    public Uni<Void> forget(UUID replica) {
        return pool.preparedQuery(FORGET).execute(Tuple.of(replica)).replaceWithVoid();
    }

    private static Tuple counts(UUID replica, Map<String, Integer> held, Duration lease) {
        List<String> scopes = held.keySet().stream().sorted().toList();
        Integer[] counts = scopes.stream().map(held::get).toArray(Integer[]::new);
        return Tuple.tuple().addUUID(replica).addArrayOfString(scopes.toArray(String[]::new))
                .addArrayOfInteger(counts).addLong(lease.toMillis());
    }
}
