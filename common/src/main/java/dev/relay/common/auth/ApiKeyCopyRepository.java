package dev.relay.common.auth;

import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.relay.common.event.ApiKeyChanged;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A service's copy of the API keys the task service announced (table {@code api_key} in the service's own schema:
 * id, org, user_email, hash, revoked_at, scope, expires_at).
 */
@ApplicationScoped
public class ApiKeyCopyRepository {

    private final Pool pool;
    /** Applying an announcement twice, or out of order, changes nothing: a revoked key stays revoked. */
    private final String upsert;
    private final String owner;

    public ApiKeyCopyRepository(Pool pool, @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema") Optional<String> schema) {
        this.pool = pool;
        String table = schema.map(name -> name + ".").orElse("") + "api_key";
        this.upsert = "INSERT INTO " + table + " (id, org, user_email, hash, revoked_at, scope, expires_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7) "
                + "ON CONFLICT (id) DO UPDATE SET revoked_at = COALESCE(api_key.revoked_at, EXCLUDED.revoked_at)";
        this.owner = "SELECT org, user_email, scope FROM " + table + " WHERE hash = $1 AND revoked_at IS NULL "
                + "AND (expires_at IS NULL OR expires_at > now())";
    }

    public Uni<Void> apply(ApiKeyChanged change) {
        Tuple values = Tuple.of(change.id(), change.org(), change.userEmail(), change.hash(), offset(change.revokedAt()),
                change.scope() == null ? ApiKeys.READ_WRITE : change.scope()).addValue(offset(change.expiresAt()));
        return pool.preparedQuery(upsert).execute(values).replaceWithVoid();
    }

    private static java.time.OffsetDateTime offset(java.time.Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** The owner of the unrevoked, unexpired key with this hash, or null. */
    public Uni<ApiKeyOwner> ownerOf(String keyHash) {
        return pool.preparedQuery(owner).execute(Tuple.of(keyHash)).map(rows -> {
            var owners = rows.iterator();
            if (!owners.hasNext()) {
                return null;
            }
            var owner = owners.next();
            return ApiKeyOwner.of(owner.getString("org"), owner.getString("user_email"), owner.getString("scope"));
        });
    }
}
