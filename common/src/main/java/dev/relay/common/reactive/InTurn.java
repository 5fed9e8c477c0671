package dev.relay.common.reactive;

import java.util.function.Function;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Work over a list of items, one item at a time: the next starts once the previous succeeded. */
public final class InTurn {

    private InTurn() {
    }

    /** Runs {@code work} for each item in order; fails with the first failure, leaving the rest undone. */
    public static <T> Uni<Void> each(Iterable<T> items, Function<? super T, Uni<?>> work) {
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(work::apply)
                .collect().last().replaceWithVoid();
    }
}
