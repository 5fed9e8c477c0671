package dev.relay.task.secrets;

import io.smallrye.mutiny.Uni;

/** Values sealed by the {@link SecretCipher} and stored by a feature (its secrets, webhook signing secrets). */
public interface SealedValues {

    /** What they are, for the log. */
    String kind();

    /**
     * Re-seals, in one transaction, up to {@code max} values stored under a key other than the cipher's current one but
     * in its ring (of organization {@code org} only, when not null); how many it re-sealed. A value under a key in no
     * ring is left where it is: it cannot be opened, and would fail every batch it is in.
     */
    Uni<Integer> resealUnderCurrentKey(SecretCipher cipher, String org, int max);

    /** How many values (of organization {@code org} only, when not null) are stored under a key other than {@code keyId}. */
    Uni<Long> underAnotherKey(String keyId, String org);
}
