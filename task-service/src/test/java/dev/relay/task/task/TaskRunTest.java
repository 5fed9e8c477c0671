package dev.relay.task.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** A run's states and the changes between them, as the run's steps make them. */
class TaskRunTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    private static TaskRun pending() {
        Task task = new Task();
        task.id = UUID.randomUUID();
        task.org = "acme";
        task.createdBy = "ada@acme.dev";
        return TaskRun.pending(UUID.randomUUID(), task, null, NOW);
    }

    @Test
    void aClaimActivatesAPendingRunUnderTheNextAttempt() {
        TaskRun run = pending();

        assertThat(run.claim(NOW, 0)).as("recovered").isFalse();

        assertThat(run.runStatus()).isEqualTo(RunStatus.ACTIVE);
        assertThat(run.attempt).isEqualTo(1);
        assertThat(run.heartbeatAt).isEqualTo(NOW);
        assertThatThrownBy(() -> run.claim(NOW, 0)).as("an active run is not claimed twice").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRunHandedBackIsClaimedAgainAsRecoveredUnderANewAttempt() {
        TaskRun run = pending();
        run.claim(NOW, 0);

        run.handBack();

        assertThat(run.runStatus()).isEqualTo(RunStatus.PENDING);
        assertThat(run.recoveries).isEqualTo(1);
        assertThat(run.claim(NOW.plusSeconds(5), 0)).as("recovered").isTrue();
        assertThat(run.attempt).isEqualTo(2);
    }

    @Test
    void aSuspendedRunWaitsForItsAnswerThenForAWorker() {
        TaskRun run = pending();
        assertThatThrownBy(run::suspend).as("only an active run asks").isInstanceOf(IllegalStateException.class);
        run.claim(NOW, 0);

        run.suspend();
        assertThat(run.runStatus()).isEqualTo(RunStatus.SUSPENDED);
        assertThatThrownBy(run::handBack).as("a suspended run has no worker to lose").isInstanceOf(IllegalStateException.class);

        run.answered();
        assertThat(run.runStatus()).isEqualTo(RunStatus.PENDING);
        assertThatThrownBy(run::answered).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFinishedRunStaysFinished() {
        TaskRun run = pending();
        run.claim(NOW, 0);

        run.finish(RunStatus.ABORTED, NOW);

        assertThat(run.runStatus().isFinished()).isTrue();
        assertThat(run.completedAt).isEqualTo(NOW);
        assertThatThrownBy(() -> run.finish(RunStatus.COMPLETED, NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> run.claim(NOW, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRunIsSilentWhenItsWorkerHasNotSpokenSince() {
        TaskRun run = pending();
        assertThat(run.silentSince(NOW.plusSeconds(1))).as("measured from its creation before any heartbeat").isTrue();
        run.claim(NOW.plusSeconds(10), 0);
        assertThat(run.silentSince(NOW.plusSeconds(5))).isFalse();
        assertThat(run.silentSince(NOW.plusSeconds(11))).isTrue();
    }
}
