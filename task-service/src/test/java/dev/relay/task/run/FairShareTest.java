package dev.relay.task.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FairShareTest {

    private static FairShare.Turn turn(String org, String user) {
        return new FairShare.Turn(org, user);
    }

    @Test
    void organizationsTakeTurnsSoALongLineNeverHoldsBackAnotherOrganizationsFirstRun() {
        var lines = List.of(new FairShare.Line("a", "ann", 5_000), new FairShare.Line("b", "bob", 1), new FairShare.Line("c", "cy", 2));

        var turns = FairShare.plan(lines, Map.of("a", 10, "b", 10, "c", 10), 5);

        assertThat(turns).containsExactly(turn("a", "ann"), turn("b", "bob"), turn("c", "cy"), turn("a", "ann"), turn("c", "cy"));
    }

    @Test
    void insideAnOrganizationItsUsersTakeTurns() {
        var lines = List.of(new FairShare.Line("a", "ann", 3), new FairShare.Line("a", "al", 1), new FairShare.Line("b", "bob", 3));

        var turns = FairShare.plan(lines, Map.of("a", 10, "b", 10), 7);

        assertThat(turns).containsExactly(turn("a", "ann"), turn("b", "bob"), turn("a", "al"), turn("b", "bob"), turn("a", "ann"),
                turn("b", "bob"), turn("a", "ann"));
    }

    @Test
    void anOrganizationTakesNoMoreThanItsFreeSlotsAndNoneWithoutThem() {
        var lines = List.of(new FairShare.Line("a", "ann", 50), new FairShare.Line("b", "bob", 50), new FairShare.Line("c", "cy", 50));

        var turns = FairShare.plan(lines, Map.of("a", 2, "b", 0), 100);

        assertThat(turns).containsExactly(turn("a", "ann"), turn("a", "ann"));
    }

    @Test
    void noMoreTurnsThanTheInstanceHasRoomFor() {
        var lines = List.of(new FairShare.Line("a", "ann", 50));

        assertThat(FairShare.plan(lines, Map.of("a", 64), 3)).hasSize(3);
        assertThat(FairShare.plan(lines, Map.of("a", 64), 0)).isEmpty();
        assertThat(FairShare.plan(List.of(), Map.of(), 10)).isEmpty();
    }
}
