package dev.relay.bench;

/** The figures of one stream load, printed as "RESULT name value"; deliveries per second count from the first publish to the last receipt. */
final class LoadFigures {

    private LoadFigures() {
    }

    static void print(String name, long published, long publishedInNanos, Latencies latencies, long deliveredInNanos) {
        System.out.printf("RESULT %s.published %d%n", name, published);
        System.out.printf("RESULT %s.publish_rate %.0f%n", name, published / (publishedInNanos / 1e9));
        System.out.printf("RESULT %s.delivered %d%n", name, latencies.count());
        System.out.printf("RESULT %s.delivered_per_s %.0f%n", name, latencies.count() / (deliveredInNanos / 1e9));
        System.out.printf("RESULT %s.p50_ms %.2f%n", name, latencies.percentileMillis(0.50));
        System.out.printf("RESULT %s.p99_ms %.2f%n", name, latencies.percentileMillis(0.99));
        System.out.printf("RESULT %s.p999_ms %.2f%n", name, latencies.percentileMillis(0.999));
    }
}
