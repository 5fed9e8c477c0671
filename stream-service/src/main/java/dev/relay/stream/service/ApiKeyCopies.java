package dev.relay.stream.service;

import java.time.ZoneOffset;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.ApiKeyDirectory;
import dev.relay.common.auth.Caller;
import dev.relay.common.event.ApiKeyChanged;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The API keys this service accepts: a copy of what the task service announced. Applying an announcement twice,
 * or out of order, changes nothing: a revoked key stays revoked.
 */
@ApplicationScoped
public class ApiKeyCopies implements ApiKeyDirectory {

    private static final String UPSERT = """
            INSERT INTO stream.api_key (id, org, user_email, hash, revoked_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET revoked_at = COALESCE(api_key.revoked_at, EXCLUDED.revoked_at)""";
    private static final String OWNER = "SELECT org, user_email FROM stream.api_key WHERE hash = $1 AND revoked_at IS NULL";

    private final Pool pool;

    public ApiKeyCopies(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> apply(ApiKeyChanged change) {
        return pool.preparedQuery(UPSERT).execute(Tuple.of(change.id(), change.org(), change.userEmail(), change.hash(),
                change.revokedAt() == null ? null : change.revokedAt().atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    @Override
    public Uni<Caller> ownerOf(String keyHash) {
        return pool.preparedQuery(OWNER).execute(Tuple.of(keyHash)).map(rows -> {
            var owners = rows.iterator();
            if (!owners.hasNext()) {
                return null;
            }
            var owner = owners.next();
            return new Caller(owner.getString("org"), owner.getString("user_email"), Set.of("user"));
        });
    }
}
