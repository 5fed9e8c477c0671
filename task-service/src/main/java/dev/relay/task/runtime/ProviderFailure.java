package dev.relay.task.runtime;

import java.time.Duration;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;

/**
 * A model provider's failure, told in words a task's events may carry: the status it answered or that it did not
 * answer in time, never its response body, a stack trace or the request (which holds the API key in its headers).
 */
public class ProviderFailure extends RuntimeException {

    private ProviderFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public static ProviderFailure of(Throwable error, Duration timeout) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof HttpException) && !(cause instanceof TimeoutException)) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpException http) {
            return new ProviderFailure("the model provider answered HTTP " + http.statusCode(), error);
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return new ProviderFailure("the model provider did not answer within " + timeout.toSeconds() + " s", error);
        }
        if (cause instanceof java.net.ConnectException) {
            return new ProviderFailure("the model provider could not be reached", error);
        }
        return new ProviderFailure("the model provider's answer could not be read (" + cause.getClass().getSimpleName() + ")", error);
    }
}
