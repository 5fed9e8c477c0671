package dev.relay.common.ratelimit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The operation class a resource method counts against, where its HTTP method alone would class it wrong: without it a
 * GET or HEAD is {@link OperationClass#READS} and any other method {@link OperationClass#SETTINGS}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {
    OperationClass value();
}
