package dev.relay.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressRefused;
import dev.relay.common.egress.EgressRules;

/**
 * What the egress policy adds to one tool call or webhook send: a check of a URL, a name, an address literal and a
 * refused spelling, each timed over many calls in one thread after a warm-up (best of {@code ROUNDS}). Names resolve
 * through an in-memory resolver, so the figure is the policy's own work, not DNS's (a real lookup, cached or not, is
 * the same one the connection made before the policy existed: it is done once either way). Opens no connection.
 */
public final class EgressBenchmark {

    private static final int ROUNDS = 5;
    private static final int CALLS = 200_000;

    private EgressBenchmark() {
    }

    public static void main(String[] args) {
        Command.exitAfter(EgressBenchmark::run);
    }

    private static void run() throws Exception {
        Map<String, List<InetAddress>> names = Map.of(
                "api.example.com", List.of(InetAddress.getByName("93.184.215.14"), InetAddress.getByName("[2606:2800:21f:cb07:6820:80da:af6b:8b2c]")),
                "hooks.example.com", List.of(InetAddress.getByName("93.184.215.15")));
        EgressPolicy policy = new EgressPolicy(EgressRules.parse(List.of("80", "443"), List.of(), List.of("10.96.0.0/12", "10.244.0.0/16"),
                List.of(), List.of("*.evil.example")), name -> {
                    List<InetAddress> found = names.get(name);
                    if (found == null) {
                        throw new UnknownHostException(name);
                    }
                    return found;
                });
        URI url = URI.create("https://api.example.com/v1/items?page=2");
        System.out.printf("[egress] %d calls per round, best of %d rounds, one thread%n", CALLS, ROUNDS);
        measure("check(URL) https://api.example.com/… (name, 2 addresses)", () -> policy.check(url));
        measure("check(name, 443) hooks.example.com (1 address)", () -> policy.check("hooks.example.com", 443));
        measure("check(address literal) 93.184.215.14", () -> policy.check("93.184.215.14", 443));
        measure("check(refused) 0x7f000001 (loopback in hex)", () -> {
            try {
                policy.check("0x7f000001", 443);
                throw new InvariantViolation("0x7f000001 was let through");
            } catch (EgressRefused refused) {
                return refused;
            }
        });
        measure("check(refused) [::ffff:a9fe:a9fe] (metadata, IPv4-mapped)", () -> {
            try {
                policy.check("[::ffff:a9fe:a9fe]", 443);
                throw new InvariantViolation("[::ffff:a9fe:a9fe] was let through");
            } catch (EgressRefused refused) {
                return refused;
            }
        });
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void measure(String what, Call call) throws Exception {
        long sink = 0;
        for (int i = 0; i < CALLS; i++) {
            sink += call.run().hashCode();
        }
        double[] nanos = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                sink += call.run().hashCode();
            }
            nanos[round] = (System.nanoTime() - started) / (double) CALLS;
        }
        Arrays.sort(nanos);
        System.out.printf("[egress] %-62s best %6.2f µs, median %6.2f µs per check%s%n", what, nanos[0] / 1000, nanos[ROUNDS / 2] / 1000,
                sink == 42 ? " " : "");
    }
}
