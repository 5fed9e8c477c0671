package dev.relay.bench;

/** How every benchmark's main ends: 0 after its figures, 1 with the violated invariant (or the error) and no more. */
final class Command {

    interface Body {
        void run() throws Exception;
    }

    private Command() {
    }

    /** Runs {@code body} and exits the JVM (the HTTP clients' event loops would keep it alive). */
    static void exitAfter(Body body) {
        int status = 0;
        try {
            body.run();
        } catch (InvariantViolation e) {
            System.out.flush();
            System.err.println("[bench] FAILED, no figures: " + e.getMessage());
            status = 1;
        } catch (Exception e) {
            System.out.flush();
            e.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }
}
