package dev.relay.common.auth;

/** Who an API key acts for (a user of its organization, never an admin) and whether it may only read. */
public record ApiKeyOwner(Caller caller, boolean readOnly) {

    public static ApiKeyOwner of(String org, String email, String scope) {
        return new ApiKeyOwner(Caller.ofApiKey(org, email), ApiKeys.READ.equals(scope));
    }
}
