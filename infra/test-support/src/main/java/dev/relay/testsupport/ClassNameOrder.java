package dev.relay.testsupport;

import java.util.Comparator;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.Order;

/**
 * The order test classes run in within Quarkus' groups (its orderer's secondary one, set in the build): by
 * {@link Order} where a class has one, by class name among the rest — so a check that must see what every other
 * test did (EventContractCheck, {@code @Order(Integer.MAX_VALUE)}) runs last. With {@code -Drelay.tests.reverse=true}
 * the names sort backwards, to show that no class depends on the ones before it.
 */
public class ClassNameOrder implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        Comparator<ClassDescriptor> byName = Comparator.comparing(descriptor -> descriptor.getTestClass().getName());
        context.getClassDescriptors().sort(Comparator
                .comparingInt((ClassDescriptor descriptor) -> descriptor.findAnnotation(Order.class).map(Order::value)
                        .orElse(Order.DEFAULT))
                .thenComparing(Boolean.getBoolean("relay.tests.reverse") ? byName.reversed() : byName));
    }
}
