package dev.relay.schedule;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Frequency;
import dev.relay.schedule.domain.Recurrence;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.service.Schedules;
import io.quarkus.vertx.VertxContextSupport;

/** Schedules for tests, made through the service as the task service's request will make them. */
public final class TestSchedules {

    private TestSchedules() {
    }

    /** A daily schedule of a new task of {@code email} in {@code org}, first due within the next hour. */
    public static Schedule daily(Schedules schedules, String org, String email) {
        LocalTime start = LocalTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.MINUTES);
        try {
            return VertxContextSupport.subscribeAndAwait(() -> schedules.create(UUID.randomUUID(), org, email, "daily scan",
                    new Recurrence(Frequency.DAILY, start, ZoneOffset.UTC), CatchUp.SKIP));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
