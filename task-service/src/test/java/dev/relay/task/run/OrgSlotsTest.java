package dev.relay.task.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The free slots a claim tries: distinct, free, below the limit, however high the limit or few the free ones. */
class OrgSlotsTest {

    @Test
    void aHighLimitGivesThreeDistinctFreeSlotsBelowIt() {
        Set<Integer> taken = new HashSet<>(IntStream.range(0, 500).boxed().toList());
        for (int i = 0; i < 1000; i++) {
            List<Integer> candidates = OrgSlots.candidates(taken, 100_000);
            assertThat(candidates).hasSize(3).doesNotHaveDuplicates().allMatch(slot -> slot >= 0 && slot < 100_000)
                    .noneMatch(taken::contains);
        }
    }

    @Test
    void aFullOrNearlyFullLimitGivesWhatIsFree() {
        assertThat(OrgSlots.candidates(Set.of(0, 1, 3), 5)).containsExactlyInAnyOrder(2, 4);
        assertThat(OrgSlots.candidates(Set.of(0, 1), 2)).isEmpty();
        for (int i = 0; i < 200; i++) {
            assertThat(OrgSlots.candidates(Set.of(5), 16)).hasSize(3).doesNotHaveDuplicates().doesNotContain(5)
                    .allMatch(slot -> slot < 16);
        }
    }
}
