package dev.relay.task.task;

import java.util.Arrays;

import jakarta.persistence.AttributeConverter;

import dev.relay.common.api.WireValue;

/** Stores an enum as its wire value ({@code read-only}, not {@code READ_ONLY}); a subclass names the enum. */
abstract class WireValueColumn<E extends Enum<E> & WireValue> implements AttributeConverter<E, String> {

    private final Class<E> type;

    WireValueColumn(Class<E> type) {
        this.type = type;
    }

    @Override
    public String convertToDatabaseColumn(E value) {
        return value == null ? null : value.value();
    }

    @Override
    public E convertToEntityAttribute(String column) {
        return column == null ? null : Arrays.stream(type.getEnumConstants()).filter(constant -> constant.value().equals(column))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + type.getSimpleName() + " is stored as " + column));
    }

    static final class ApprovalModes extends WireValueColumn<ApprovalMode> {
        ApprovalModes() {
            super(ApprovalMode.class);
        }
    }

    static final class PermissionModes extends WireValueColumn<PermissionMode> {
        PermissionModes() {
            super(PermissionMode.class);
        }
    }

    static final class RunStates extends WireValueColumn<RunState> {
        RunStates() {
            super(RunState.class);
        }
    }
}
