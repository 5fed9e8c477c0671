package dev.relay.testsupport.featurefixtures.forbidden.orders;

import dev.relay.testsupport.featurefixtures.forbidden.billing.Invoice;

/** Uses billing, which its feature may not. */
class Order {

    Invoice bill() {
        return new Invoice();
    }
}
