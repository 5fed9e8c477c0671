package dev.relay.task.secrets;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class SecretRepository implements PanacheRepositoryBase<Secret, UUID> {

    /** The organization's secrets by name. */
    public Uni<List<Secret>> ofOrg(String org) {
        return list("org = ?1", Sort.by("name"), org);
    }

    public Uni<Secret> named(String org, String name) {
        return find("org = ?1 and name = ?2", org, name).firstResult();
    }

    /** The named secrets of the organization that exist. */
    public Uni<List<Secret>> named(String org, Collection<String> names) {
        return list("org = ?1 and name in ?2", org, names);
    }

    /**
     * Stores the secret, or replaces the sealed value and hosts of the one of the same organization and name (concurrent
     * stores of one name: the last one wins); answers whether it was new.
     */
    public Uni<Boolean> upsert(Secret secret) {
        return getSession().chain(session -> session.createNativeQuery(
                "INSERT INTO {h-schema}secret (id, org, name, sealed, key_id, created_by, created_at, updated_at, hosts, users) "
                        + "VALUES (:id, :org, :name, :sealed, :keyId, :createdBy, :at, :at, :hosts, :users) "
                        + "ON CONFLICT (org, name) DO UPDATE SET sealed = excluded.sealed, key_id = excluded.key_id, "
                        + "updated_at = excluded.updated_at, hosts = excluded.hosts, users = excluded.users RETURNING (xmax = 0)", Boolean.class)
                .setParameter("id", secret.id).setParameter("org", secret.org).setParameter("name", secret.name)
                .setParameter("sealed", secret.sealed).setParameter("keyId", secret.keyId)
                .setParameter("createdBy", secret.createdBy).setParameter("at", secret.updatedAt)
                .setParameter("hosts", secret.hosts).setParameter("users", secret.users)
                .getSingleResult());
    }

    /**
     * Up to {@code max} secrets sealed under a key other than {@code keyId} but one of {@code opened} (a value under a
     * key in no ring is left where it is, counted as remaining), locked for this transaction.
     */
    public Uni<List<Secret>> sealedUnderAnotherKey(String keyId, Collection<String> opened, String org, int max) {
        return (org == null ? find("keyId <> ?1 and keyId in ?2", Sort.by("id"), keyId, opened)
                : find("keyId <> ?1 and keyId in ?2 and org = ?3", Sort.by("id"), keyId, opened, org))
                .withLock(LockModeType.PESSIMISTIC_WRITE).page(0, max).list();
    }

    /** How many secrets (of {@code org}, when not null) are sealed under a key other than {@code keyId}. */
    public Uni<Long> countUnderAnotherKey(String keyId, String org) {
        return org == null ? count("keyId <> ?1", keyId) : count("keyId <> ?1 and org = ?2", keyId, org);
    }

    public Uni<Boolean> deleteNamed(String org, String name) {
        return delete("org = ?1 and name = ?2", org, name).map(deleted -> deleted > 0);
    }
}
