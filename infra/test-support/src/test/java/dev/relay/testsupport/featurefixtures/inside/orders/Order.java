package dev.relay.testsupport.featurefixtures.inside.orders;

import dev.relay.testsupport.featurefixtures.inside.billing.internal.Ledger;

/** Reaches into billing's internals instead of its entry types. */
class Order {

    Ledger ledger;
}
