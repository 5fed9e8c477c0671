package dev.relay.common.auth;

import io.smallrye.mutiny.Uni;

/** Where a service looks up the owner of an API key by its hash; each service keeps its own copy of the keys. */
public interface ApiKeyDirectory {

    /** The owner of the unrevoked, unexpired key with this hash, and what the key may do; null when there is none. */
    Uni<ApiKeyOwner> ownerOf(String keyHash);
}
