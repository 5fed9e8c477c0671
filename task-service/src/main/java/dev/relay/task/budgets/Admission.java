package dev.relay.task.budgets;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a run may start against its budget lines and what it reserves: the run's estimate, or what is left when
 * less is; refused when a limited line has less than {@code minimum} left. A line at or past {@code warnAt} of its
 * limit adds a warning.
 */
public record Admission(BudgetLine refusedBy, long reservedTokens, List<BudgetWarning> warnings) {

    public static final Admission UNLIMITED = new Admission(null, 0, List.of());

    public static Admission decide(List<BudgetLine> lines, long estimate, long minimum, double warnAt) {
        long headroom = Long.MAX_VALUE;
        for (BudgetLine line : lines) {
            if (line.limited() && line.headroom() < minimum) {
                return new Admission(line, 0, List.of());
            }
            headroom = Math.min(headroom, line.headroom());
        }
        boolean anyLimit = lines.stream().anyMatch(BudgetLine::limited);
        List<BudgetWarning> warnings = new ArrayList<>();
        for (BudgetLine line : lines) {
            if (line.approaching(warnAt)) {
                warnings.add(BudgetWarning.of(line));
            }
        }
        return new Admission(null, anyLimit ? Math.min(estimate, headroom) : 0, warnings);
    }

    public boolean admitted() {
        return refusedBy == null;
    }

    /** Why the run was refused: the seeds' error code and message. */
    public String refusalMessage() {
        return refusalMessage(refusedBy);
    }

    /** Why a run may not make its next model call: {@code line} has no room for its prompt and one output token. */
    public static String callRefusalMessage(BudgetLine line, long promptTokens) {
        return line.scope().description() + " has no room for the next model call (" + line.headroom() + " Neo tokens left of "
                + line.limit() + " after " + line.used() + " used and " + line.reserved()
                + " reserved by runs in progress, this window; the call's prompt counts up to " + promptTokens + " tokens)";
    }

    /** Why a run may not go on once {@code line} is used up. */
    public static String refusalMessage(BudgetLine line) {
        return line.scope().description() + " is used up (" + line.used() + " of " + line.limit() + " Neo tokens used, "
                + line.reserved() + " reserved by runs in progress, this window)";
    }
}
