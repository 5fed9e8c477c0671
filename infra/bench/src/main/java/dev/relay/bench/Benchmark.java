package dev.relay.bench;

/**
 * The Java half of infra/bench/run.sh. Subcommands:
 * <pre>
 *   pipeline BOOTSTRAP STREAM_BASE JDBC_URL DB_USER TOKEN ORG USER TASKS RATE SECONDS WARMUP
 *                                                  events via Kafka to the stream service's SSE viewers and log
 *   nchan    PUB_BASE SUB_BASE CHANNELS RATE SECONDS WARMUP      the same load through nchan
 *   seed     BOOTSTRAP JDBC_URL DB_USER ORG USER  publish an idle task (task.created only), print its id once stored
 *   idle     URL TOKEN CONNECTIONS HOLD_SECONDS   open idle SSE connections and hold them
 * </pre>
 * RATE 0 means as fast as the system delivers (at most bench.window, 20 000, events in flight). WARMUP seconds of
 * the same load run first and are not measured (the JVMs compile their hot paths meanwhile); measuring starts once
 * every warm-up event has arrived.
 * Every figure is printed as "RESULT name value". A run that breaks an invariant (a stream not answering 200, an
 * event lost or doubled on its way to a viewer or the log) prints why on stderr and exits 1 instead of figures.
 */
public final class Benchmark {

    private Benchmark() {
    }

    public static void main(String[] args) {
        Command.exitAfter(() -> run(args));
    }

    /** One subcommand, without exiting: what main and the tiny-scale test run. */
    static void run(String... args) throws Exception {
        switch (args[0]) {
            case "pipeline" -> new PipelineLoad(args[1], args[2], args[3], args[4], args[5], args[6], args[7])
                    .run(Integer.parseInt(args[8]), Integer.parseInt(args[9]), Integer.parseInt(args[10]), Integer.parseInt(args[11]));
            case "nchan" -> NchanLoad.run(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            case "seed" -> System.out.println(IdleStreams.seed(args[1], args[2], args[3], args[4], args[5]));
            case "idle" -> IdleStreams.hold(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("unknown subcommand " + args[0]);
        }
    }
}
