package dev.relay.task.task;

/**
 * An event's JSON with its seq left open, for the statement that takes the seq to write it in: the text before the
 * seq's value and the text after it. The event is written with {@link #OPEN} as its seq; the envelope's own
 * {@code "seq"} key is the first in the text (the fields before it are ids and an escaped string, in which a quote
 * is never bare).
 */
record OpenSeq(String before, String after) {

    /** The seq an event is written with before its own is known. */
    static final long OPEN = Long.MIN_VALUE;

    private static final String KEY = "\"seq\":";
    private static final String MARK = KEY + OPEN;

    /** Splits {@code json}, an event written with seq {@link #OPEN}, around the seq's value. */
    static OpenSeq of(String json) {
        int at = json.indexOf(MARK);
        if (at < 0) {
            throw new IllegalArgumentException("the event's JSON has no open seq");
        }
        return new OpenSeq(json.substring(0, at + KEY.length()), json.substring(at + MARK.length()));
    }

    /** The event's JSON with {@code seq}. */
    String with(long seq) {
        return before + seq + after;
    }
}
