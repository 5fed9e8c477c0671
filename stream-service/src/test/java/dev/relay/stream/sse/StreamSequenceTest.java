package dev.relay.stream.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.domain.EventFrame;

class StreamSequenceTest {

    private static final UUID TASK = UUID.randomUUID();

    private static EventFrame frame(long seq) {
        return frame(seq, TaskEventTypes.MESSAGE_DELTA);
    }

    private static EventFrame frame(long seq, String type) {
        return frame(seq, type, null);
    }

    private static EventFrame frame(long seq, String type, UUID run) {
        return new EventFrame(TASK, seq, type, run, "{}");
    }

    private static List<Long> sendAll(StreamSequence sequence) {
        List<Long> sent = new ArrayList<>();
        for (EventFrame next = sequence.next(); next != null; next = sequence.next()) {
            sent.add(next.seq());
        }
        return sent;
    }

    @Test
    void eventsLeaveInSeqOrderOnceWhateverOrderAndHowOftenTheyCome() {
        StreamSequence sequence = new StreamSequence(0);
        sequence.live(frame(3));
        sequence.logged(frame(1));
        sequence.live(frame(1));
        sequence.logged(frame(2));
        sequence.live(frame(2));
        assertThat(sendAll(sequence)).containsExactly(1L, 2L, 3L);
        sequence.live(frame(2));
        sequence.logged(frame(3));
        assertThat(sendAll(sequence)).isEmpty();
        assertThat(sequence.backlog()).isZero();
    }

    @Test
    void aResumeStartsAfterItsPosition() {
        StreamSequence sequence = new StreamSequence(5);
        for (long seq = 1; seq <= 7; seq++) {
            sequence.logged(frame(seq));
        }
        assertThat(sendAll(sequence)).containsExactly(6L, 7L);
    }

    @Test
    void aStreamWaitingForAQueuedRunGoesOnPastTheWorkingRunsEndAndEndsWithItsOwn() {
        UUID working = UUID.randomUUID();
        UUID queued = UUID.randomUUID();
        StreamSequence sequence = new StreamSequence(0, 3, false, queued);
        sequence.logged(frame(1, TaskEventTypes.RUN_STARTED, working));
        sequence.logged(frame(2, TaskEventTypes.MESSAGE_DELTA, working));
        sequence.logged(frame(3, TaskEventTypes.MESSAGE_QUEUED, queued));
        sequence.live(frame(4, TaskEventTypes.RUN_COMPLETED, working));
        assertThat(sendAll(sequence)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(sequence.isFinished()).as("the working run ended, the queued one has not begun").isFalse();

        sequence.live(frame(5, TaskEventTypes.USER_MESSAGE, queued));
        sequence.live(frame(6, TaskEventTypes.RUN_STARTED, queued));
        sequence.live(frame(7, TaskEventTypes.RUN_COMPLETED, queued));
        assertThat(sendAll(sequence)).containsExactly(5L, 6L, 7L);
        assertThat(sequence.isFinished()).isTrue();
    }

    @Test
    void aStreamWaitingForARunEndsAtItsEndWithTheNextRunHeldAlreadyAndAsAnyStreamOnceAGapMayHoldIt() {
        UUID queued = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        StreamSequence held = new StreamSequence(0, 1, false, queued);
        held.logged(frame(1, TaskEventTypes.RUN_STARTED, queued));
        held.logged(frame(2, TaskEventTypes.RUN_COMPLETED, queued));
        held.logged(frame(3, TaskEventTypes.USER_MESSAGE, next));
        assertThat(held.next().seq()).isEqualTo(1L);
        assertThat(held.isFinished()).isFalse();
        assertThat(held.next().seq()).isEqualTo(2L);
        assertThat(held.isFinished()).as("its run ended, the next one's message is held").isTrue();

        StreamSequence gap = new StreamSequence(0, 1, false, queued);
        gap.logged(frame(1, TaskEventTypes.RUN_STARTED, queued));
        gap.logged(frame(3, TaskEventTypes.USER_MESSAGE, next)); // the log skipped seq 2
        assertThat(sendAll(gap)).containsExactly(1L);
        assertThat(gap.skipGap()).isEqualTo(new StreamSequence.Gap(2, 2));
        gap.live(frame(4, TaskEventTypes.RUN_COMPLETED, next));
        assertThat(sendAll(gap)).containsExactly(3L, 4L);
        assertThat(gap.isFinished()).as("after a gap, a run's end ends it").isTrue();
    }

    @Test
    void anEarlierRunsEndDoesNotFinishAStreamThatMustReachALaterSeq() {
        StreamSequence sequence = new StreamSequence(0, 4, false, null);
        sequence.logged(frame(1, TaskEventTypes.TASK_CREATED));
        sequence.logged(frame(2));
        sequence.logged(frame(3, TaskEventTypes.RUN_COMPLETED));
        assertThat(sendAll(sequence)).containsExactly(1L, 2L, 3L);
        assertThat(sequence.isFinished()).isFalse();
        sequence.logged(frame(4));
        sequence.live(frame(5, TaskEventTypes.RUN_COMPLETED));
        assertThat(sendAll(sequence)).containsExactly(4L, 5L);
        assertThat(sequence.isFinished()).isTrue();
    }

    @Test
    void aResumeAtARunsLastEventIsFinishedOnceThatEventIsRead() {
        StreamSequence sequence = new StreamSequence(3);
        assertThat(sequence.readAfter()).isEqualTo(2);
        assertThat(sequence.isFinished()).isFalse();
        sequence.logged(frame(3, TaskEventTypes.RUN_COMPLETED));
        assertThat(sendAll(sequence)).isEmpty();
        assertThat(sequence.isFinished()).isTrue();
        assertThat(sequence.readAfter()).isEqualTo(3);
    }

    @Test
    void aResumeInsideARunIsNotFinishedByItsPositionsEvent() {
        StreamSequence sequence = new StreamSequence(3);
        sequence.logged(frame(3));
        assertThat(sequence.isFinished()).isFalse();
        sequence.live(frame(4, TaskEventTypes.RUN_COMPLETED));
        assertThat(sendAll(sequence)).containsExactly(4L);
        assertThat(sequence.isFinished()).isTrue();
    }

    @Test
    void aResumeAtAnEventAboutTheTaskTakesTheRunsStateFromTheLogUntilARunEventIsSent() {
        StreamSequence afterTheRun = new StreamSequence(6, 0, true, null);
        afterTheRun.logged(frame(6, TaskEventTypes.TASK_UPDATED));
        afterTheRun.logged(frame(7, TaskEventTypes.TASK_UPDATED));
        assertThat(sendAll(afterTheRun)).containsExactly(7L);
        assertThat(afterTheRun.isFinished()).isTrue();

        StreamSequence inTheRun = new StreamSequence(6, 0, true, null);
        inTheRun.logged(frame(6, TaskEventTypes.TASK_UPDATED));
        inTheRun.logged(frame(7));
        assertThat(sendAll(inTheRun)).containsExactly(7L);
        assertThat(inTheRun.isFinished()).isFalse();
    }

    @Test
    void aThroughNeverSeenIsGivenUp() {
        StreamSequence unseen = new StreamSequence(0, 100, false, null);
        unseen.logged(frame(1, TaskEventTypes.RUN_COMPLETED));
        sendAll(unseen);
        assertThat(unseen.isFinished()).isFalse();
        assertThat(unseen.awaitsUnseen()).isTrue();
        unseen.giveUpUnseen();
        assertThat(unseen.isFinished()).isTrue();
    }

    @Test
    void aResumePositionTheLogNeverShowsFallsBackToWhetherTheLogsLastRunHadEnded() {
        StreamSequence ended = new StreamSequence(9, 0, true, null);
        assertThat(ended.awaitsUnseen()).isTrue();
        ended.giveUpUnseen();
        assertThat(ended.isFinished()).isTrue();

        StreamSequence running = new StreamSequence(9, 0, false, null);
        running.giveUpUnseen();
        assertThat(running.isFinished()).isFalse();
        assertThat(running.readAfter()).isEqualTo(9);
    }

    @Test
    void aLiveEventAheadOfTheLogIsAHoleButNoGap() {
        StreamSequence sequence = new StreamSequence(0);
        sequence.logged(frame(1));
        sequence.live(frame(3));
        assertThat(sendAll(sequence)).containsExactly(1L);
        assertThat(sequence.hasHole()).isTrue();
        assertThat(sequence.missing()).isEqualTo(2);
        assertThat(sequence.logShowsGapAt(2)).isFalse();
        assertThat(sequence.skipGap()).isNull();
        sequence.logged(frame(2));
        assertThat(sendAll(sequence)).containsExactly(2L, 3L);
    }

    @Test
    void aHoleTheLogShowsIsAGapThatCanBeSkipped() {
        StreamSequence sequence = new StreamSequence(0);
        sequence.logged(frame(1));
        sequence.logged(frame(4));
        sequence.logged(frame(5));
        assertThat(sendAll(sequence)).containsExactly(1L);
        assertThat(sequence.logShowsGapAt(2)).isTrue();
        assertThat(sequence.skipGap()).isEqualTo(new StreamSequence.Gap(2, 3));
        assertThat(sequence.lastSent()).isEqualTo(3);
        assertThat(sendAll(sequence)).containsExactly(4L, 5L);
    }

    @Test
    void holesAreReadAgainWithAGrowingPauseThatResetsOnceAnEventIsSent() {
        StreamSequence sequence = new StreamSequence(0);
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pauses.add(sequence.nextHoleReadPause());
        }
        assertThat(pauses).containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 250L, 250L);
        sequence.live(frame(1));
        sendAll(sequence);
        assertThat(sequence.nextHoleReadPause()).isEqualTo(StreamSequence.FIRST_HOLE_READ_MILLIS);
    }

    @Test
    void theStreamIsFinishedOnceTheRunsEndIsSentAndNothingIsHeld() {
        StreamSequence sequence = new StreamSequence(0);
        sequence.logged(frame(1, TaskEventTypes.RUN_STARTED));
        sequence.logged(frame(2, TaskEventTypes.RUN_COMPLETED));
        sequence.logged(frame(3, TaskEventTypes.TASK_UPDATED));
        sendAll(sequence);
        // an event about the task itself does not reopen the run
        assertThat(sequence.isFinished()).isTrue();
        sequence.live(frame(4, TaskEventTypes.USER_MESSAGE));
        assertThat(sequence.isFinished()).isFalse();
        sendAll(sequence);
        assertThat(sequence.isFinished()).isFalse();
    }

    @Test
    void theBacklogIsWhatIsHeldAndNotSent() {
        StreamSequence sequence = new StreamSequence(0);
        for (long seq = 1; seq <= 10; seq++) {
            sequence.live(frame(seq));
        }
        assertThat(sequence.backlog()).isEqualTo(10);
        sequence.next();
        sequence.next();
        assertThat(sequence.backlog()).isEqualTo(8);
    }
}
