package dev.relay.testsupport.featurefixtures.cycle.b;

import dev.relay.testsupport.featurefixtures.cycle.a.Alpha;

/** Uses a, which uses b. */
public class Beta {

    public Alpha partner;
}
