package dev.relay.testsupport.featurefixtures.inside.billing.internal;

/** Internal to billing. */
public class Ledger {
}
