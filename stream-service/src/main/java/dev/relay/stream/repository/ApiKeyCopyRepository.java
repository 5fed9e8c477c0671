package dev.relay.stream.repository;

import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.Caller;
import dev.relay.common.event.ApiKeyChanged;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** This service's copy of the API keys the task service announced. */
@ApplicationScoped
public class ApiKeyCopyRepository {

    /** Applying an announcement twice, or out of order, changes nothing: a revoked key stays revoked. */
    private static final String UPSERT = """
            INSERT INTO stream.api_key (id, org, user_email, hash, revoked_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET revoked_at = COALESCE(api_key.revoked_at, EXCLUDED.revoked_at)""";
    private static final String OWNER = "SELECT org, user_email FROM stream.api_key WHERE hash = $1 AND revoked_at IS NULL";

    private final Pool pool;

    public ApiKeyCopyRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> apply(ApiKeyChanged change) {
        return pool.preparedQuery(UPSERT).execute(Tuple.of(change.id(), change.org(), change.userEmail(), change.hash(),
                change.revokedAt() == null ? null : change.revokedAt().atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    /** The owner of the unrevoked key with this hash, or null. */
    public Uni<Caller> ownerOf(String keyHash) {
        return pool.preparedQuery(OWNER).execute(Tuple.of(keyHash)).map(rows -> {
            var owners = rows.iterator();
            if (!owners.hasNext()) {
                return null;
            }
            var owner = owners.next();
            return Caller.ofApiKey(owner.getString("org"), owner.getString("user_email"));
        });
    }
}
