package dev.relay.common.auth;

import io.smallrye.mutiny.Uni;

/** Where a service looks up the owner of an API key by its hash; each service keeps its own copy of the keys. */
public interface ApiKeyDirectory {

    /** The organization and user of the unrevoked key with this hash, or null. */
    Uni<Caller> ownerOf(String keyHash);
}
