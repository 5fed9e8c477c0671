package dev.relay.task.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.relay.task.task.RunConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The built-in agent runtime: deterministic and offline. It answers every prompt with the same shaped reply,
 * split into several deltas, and counts tokens as one per four characters (the usual rule of thumb). When the run
 * may ask the user ({@code ask_question}), it first proposes what it would do and asks for a confirmation.
 */
class SimulatedAgent implements AgentRuntime {

    private static final int WORDS_PER_CHUNK = 6;
    private static final int ECHO_LIMIT = 200;

    private final Duration chunkDelay;

    /** {@code chunkDelay}: the pause before each chunk, so that a stream can be watched live. */
    SimulatedAgent(Duration chunkDelay) {
        this.chunkDelay = chunkDelay;
    }

    @Override
    public Multi<Output> run(List<Turn> conversation, RunConfig config, Answer answer, Tools tools) {
        String prompt = lastUserText(conversation);
        String echo = prompt.strip();
        if (echo.length() > ECHO_LIMIT) {
            echo = echo.substring(0, ECHO_LIMIT) + "…";
        }
        String intro = "Relay's simulated agent (" + config.mode() + " mode, model " + config.model() + ") received: \""
                + echo + "\". ";
        String text;
        Question question = null;
        if (config.askQuestion() && answer == null) {
            text = intro + "Before it goes on it asks you to confirm, as a real agent would before acting. ";
            question = new Question("May the agent go ahead with \"" + echo + "\"?", null);
        } else if (answer == null) {
            text = intro + "A real agent would now plan, call tools and report its findings; this one streams"
                    + " its reply in parts so that you can watch the task's event stream end to end.";
        } else if (answer.approved()) {
            text = "Confirmed: going ahead. A real agent would now act and report its findings.";
        } else {
            text = "Understood: not going ahead."
                    + (answer.instructions() == null ? "" : " Instead, as you asked: " + answer.instructions());
        }
        String reply = text;
        Question asking = question;
        // like a model call, the reply is reserved against the run's budgets first and is cut to what they have room for
        return tools.outputAllowance(tokens(prompt), tokens(reply)).onItem().transformToMulti(allowed -> {
            String said = allowed < tokens(reply) ? reply.substring(0, (int) (4 * allowed)) : reply;
            Multi<Output> chunks = Multi.createFrom().iterable(chunks(said)).onItem().<Output>transform(Output.Text::new);
            if (!chunkDelay.isZero()) {
                chunks = chunks.onItem().call(chunk -> Uni.createFrom().voidItem().onItem().delayIt().by(chunkDelay));
            }
            List<Output> end = List.of(new Output.Usage(config.model(), tokens(prompt), tokens(said), null),
                    new Output.Finished(said.length() < reply.length() ? null : asking));
            return Multi.createBy().concatenating().streams(chunks, Multi.createFrom().iterable(end));
        });
    }

    private static String lastUserText(List<Turn> conversation) {
        for (int i = conversation.size() - 1; i >= 0; i--) {
            if (conversation.get(i) instanceof Turn.User user) {
                return user.text();
            }
        }
        return "";
    }

    private static List<String> chunks(String text) {
        String[] words = text.split("(?<= )");
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < words.length; i += WORDS_PER_CHUNK) {
            StringBuilder chunk = new StringBuilder();
            for (int j = i; j < Math.min(words.length, i + WORDS_PER_CHUNK); j++) {
                chunk.append(words[j]);
            }
            chunks.add(chunk.toString());
        }
        return chunks;
    }

    private static int tokens(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }
}
