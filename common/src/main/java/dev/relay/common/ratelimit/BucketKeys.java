package dev.relay.common.ratelimit;

/** Names of buckets, unambiguous whatever an organization or user name holds (each part carries its length). */
final class BucketKeys {

    private BucketKeys() {
    }

    static String user(OperationClass operation, String org, String user) {
        return "user:" + operation.name().toLowerCase() + ":" + org.length() + ":" + org + ":" + user;
    }

    static String org(OperationClass operation, String org) {
        return "org:" + operation.name().toLowerCase() + ":" + org;
    }
}
