package dev.relay.task.secrets;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * An organization's secrets: stored sealed ({@link SecretCipher}) with the hosts they may be sent to, listed by name,
 * deleted; opened only for a run that names them ({@link #resolveBound}). A value never leaves here except to the
 * tools of such a run.
 */
@ApplicationScoped
public class SecretVault implements SealedValues {

    /** What storing did: made a new secret or replaced the value of one. */
    public record Stored(Secret secret, boolean created) {
    }

    private final SecretRepository secrets;
    private final SecretCipher cipher;

    public SecretVault(SecretRepository secrets, SecretCipher cipher) {
        this.secrets = secrets;
        this.cipher = cipher;
    }

    /** A secret opened for a run: its value and the hosts it may be sent to (none: nowhere). */
    public record Bound(String value, List<String> hosts) {
    }

    /**
     * Stores or replaces a secret with the hosts it may be sent to and the members who may use it (empty: every
     * member): admins only.
     */
    public Uni<Stored> store(Caller caller, String name, String value, List<String> hosts, List<String> users) {
        caller.requireAdmin("store or replace its secrets");
        Secret secret = new Secret();
        secret.id = UUID.randomUUID();
        secret.org = caller.org();
        secret.name = name;
        secret.sealed = cipher.seal(caller.org(), name, value);
        secret.keyId = cipher.keyId();
        secret.createdBy = caller.email();
        secret.updatedAt = Instant.now();
        secret.hosts = String.join(",", hosts);
        secret.users = users.isEmpty() ? null : String.join(",", users);
        return Panache.withTransaction(() -> secrets.upsert(secret).chain(created -> secrets.named(caller.org(), name)
                .map(stored -> new Stored(stored, created))));
    }

    public Uni<List<Secret>> list(Caller caller) {
        return Panache.withSession(() -> secrets.ofOrg(caller.org()));
    }

    public Uni<Void> delete(Caller caller, String name) {
        caller.requireAdmin("delete its secrets");
        return Panache.withTransaction(() -> secrets.deleteNamed(caller.org(), name)).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("secret " + name + " not found");
            }
        }).replaceWithVoid();
    }

    @Override
    public String kind() {
        return "secrets";
    }

    @Override
    public Uni<Integer> resealUnderCurrentKey(SecretCipher current, String org, int max) {
        return Panache.withTransaction(() -> secrets.sealedUnderAnotherKey(current.keyId(), current.keyIds(), org, max).map(found -> {
            found.forEach(secret -> secret.resealed(current.seal(secret.org, secret.name,
                    current.open(secret.org, secret.name, secret.sealed, secret.keyId)), current.keyId()));
            return found.size();
        }));
    }

    @Override
    public Uni<Long> underAnotherKey(String keyId, String org) {
        return Panache.withSession(() -> secrets.countUnderAnotherKey(keyId, org));
    }

    /** The values of the named secrets of {@code org} that exist and {@code user} may use, for one run's tools. */
    public Uni<Map<String, String>> resolve(String org, String user, Collection<String> names) {
        return resolveBound(org, user, names).map(found -> found.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().value())));
    }

    /**
     * The named secrets of {@code org} that exist and a run of {@code user}'s task may use, each with the hosts it may
     * be sent to, for one run's tools; one the user may not use is left out, as one that does not exist.
     */
    public Uni<Map<String, Bound>> resolveBound(String org, String user, Collection<String> names) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.withSession(() -> secrets.named(org, names)).map(found -> found.stream()
                .filter(secret -> secret.mayBeUsedBy(user))
                .collect(Collectors.toMap(secret -> secret.name,
                        secret -> new Bound(cipher.open(org, secret.name, secret.sealed, secret.keyId), secret.hostList()))));
    }
}
