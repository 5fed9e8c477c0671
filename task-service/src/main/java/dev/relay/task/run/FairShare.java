package dev.relay.task.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which waiting runs go next: round robin across organizations (the one waiting longest first), and inside an
 * organization round robin across its users, so one tenant's or one user's long line never holds back another's
 * first run; an organization takes no more than its free slots.
 */
final class FairShare {

    /** The waiting runs of one user of one organization: how many, the line ordered oldest first. */
    record Line(String org, String user, long waiting) {
    }

    /** One turn: the next waiting run of this user's line. */
    record Turn(String org, String user) {
    }

    private FairShare() {
    }

    /**
     * Up to {@code room} turns, in the order the runs should start. {@code lines} come with the organization waiting
     * longest first; {@code freeSlots} says how many more runs each organization may start (absent: none).
     */
    static List<Turn> plan(List<Line> lines, Map<String, Integer> freeSlots, int room) {
        Map<String, Deque<Line>> usersByOrg = new LinkedHashMap<>();
        Map<Line, Long> left = new LinkedHashMap<>();
        for (Line line : lines) {
            usersByOrg.computeIfAbsent(line.org(), org -> new ArrayDeque<>()).add(line);
            left.put(line, line.waiting());
        }
        Map<String, Integer> free = new LinkedHashMap<>(freeSlots);
        List<Turn> turns = new ArrayList<>();
        boolean progress = true;
        while (turns.size() < room && progress) {
            progress = false;
            for (var org : usersByOrg.entrySet()) {
                if (turns.size() >= room) {
                    break;
                }
                Deque<Line> users = org.getValue();
                if (users.isEmpty() || free.getOrDefault(org.getKey(), 0) <= 0) {
                    continue;
                }
                Line next = users.poll();
                turns.add(new Turn(next.org(), next.user()));
                free.merge(org.getKey(), -1, Integer::sum);
                long remaining = left.merge(next, -1L, Long::sum);
                if (remaining > 0) {
                    users.add(next);
                }
                progress = true;
            }
        }
        return turns;
    }
}
