package dev.relay.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a benchmark printed on stdout (still shown in the test's output), and the figures in it. */
final class Printed {

    private Printed() {
    }

    static String by(Command.Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(original, copy), true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.out.flush();
            System.setOut(original);
        }
        return copy.toString(StandardCharsets.UTF_8);
    }

    /** The value printed as {@code RESULT key value}. */
    static long result(String printed, String key) {
        return printed.lines().filter(line -> line.startsWith("RESULT " + key + " ")).map(line -> line.split(" ")[2])
                .mapToLong(Long::parseLong).findFirst().orElseThrow(() -> new AssertionError("no " + key + " in\n" + printed));
    }

    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
