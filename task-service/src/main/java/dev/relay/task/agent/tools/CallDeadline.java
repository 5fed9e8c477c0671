package dev.relay.task.agent.tools;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The deadline of one tool call, which stops the call's work when it passes rather than leaving it to run on: the
 * thread that makes the call is interrupted (an HTTP exchange, a blocking queue) and what the tool registered is
 * closed (a socket whose reads an interrupt does not end). A tool registers with {@link #closeOnExpiry} on the thread
 * that makes the call.
 */
final class CallDeadline {

    private static final ThreadLocal<CallDeadline> CURRENT = new ThreadLocal<>();

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private Thread worker;
    private boolean expired;

    /** Closes {@code resource} when the deadline of the call this thread makes passes (now, if it has). */
    static void closeOnExpiry(AutoCloseable resource) {
        CallDeadline deadline = CURRENT.get();
        if (deadline != null) {
            deadline.open.add(resource);
            boolean late;
            synchronized (deadline) {
                late = deadline.expired;
            }
            if (late) {
                close(resource);
            }
        }
    }

    /** Makes the call on this thread, under this deadline; the thread leaves without an interrupt pending. */
    <T> T run(Callable<T> call) throws Exception {
        synchronized (this) {
            if (expired) {
                throw new InterruptedException("the call's deadline passed before it began");
            }
            worker = Thread.currentThread();
        }
        CURRENT.set(this);
        try {
            return call.call();
        } finally {
            CURRENT.remove();
            synchronized (this) {
                worker = null;
                Thread.interrupted(); // an interrupt of this call must not reach the pool's next task
            }
            open.forEach(CallDeadline::close);
        }
    }

    /** The deadline passed: stops the call's work. */
    void expire() {
        synchronized (this) {
            expired = true;
            if (worker != null) {
                worker.interrupt();
            }
        }
        open.forEach(CallDeadline::close);
    }

    private static void close(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception ignored) {
            // closing what the deadline stopped: it may be closed already
        }
    }
}
