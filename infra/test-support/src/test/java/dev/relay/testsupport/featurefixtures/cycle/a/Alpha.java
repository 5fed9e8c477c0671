package dev.relay.testsupport.featurefixtures.cycle.a;

import dev.relay.testsupport.featurefixtures.cycle.b.Beta;

/** Uses b, which uses a back: a cycle. */
public class Alpha {

    public Beta partner;
}
