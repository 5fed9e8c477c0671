package dev.relay.billing;

import org.junit.jupiter.api.Order;

import dev.relay.testsupport.EventContractCheck;
import dev.relay.testsupport.RelayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Run last: every record this service published during its tests keeps the event contracts (common's AsyncAPI document). */
@QuarkusTest
@WithTestResource(RelayTestResources.class)
@Order(Integer.MAX_VALUE)
class EventContractTest extends EventContractCheck {
}
