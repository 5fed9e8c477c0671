package dev.relay.task.agent;

import java.time.Duration;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;

/**
 * A model provider's failure, told in words a task's events may carry: the status it answered or that it did not
 * answer in time, never its response body, a stack trace or the request (which holds the API key in its headers).
 */
public class ProviderFailure extends RuntimeException {

    private final boolean transientFailure;

    private ProviderFailure(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** Whether trying again later may succeed: the provider was busy (429), failed (5xx) or could not be reached. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** The provider sent nothing for {@code timeout} (before its answer, or in the middle of its stream). */
    public static ProviderFailure timedOut(Duration timeout) {
        return new ProviderFailure("the model provider did not answer within " + timeout.toSeconds() + " s", null, false);
    }

    public static ProviderFailure of(Throwable error, Duration timeout) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof HttpException) && !(cause instanceof TimeoutException)) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpException http) {
            return new ProviderFailure("the model provider answered HTTP " + http.statusCode(), error,
                    http.statusCode() == 429 || http.statusCode() >= 500);
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return timedOut(timeout);
        }
        if (cause instanceof java.net.ConnectException) {
            return new ProviderFailure("the model provider could not be reached", error, true);
        }
        return new ProviderFailure("the model provider's answer could not be read (" + cause.getClass().getSimpleName() + ")", error,
                false);
    }
}
