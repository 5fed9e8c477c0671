package dev.relay.testsupport.featurefixtures.forbidden.billing;

/** Billing's entry type. */
public class Invoice {
}
