package dev.relay.schedule.service;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Recurrence;
import dev.relay.schedule.domain.Schedule;
import dev.relay.schedule.repository.ScheduleRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Creates schedules and reads them. */
@ApplicationScoped
public class Schedules {

    private final ScheduleRepository schedules;
    private final Clock clock;

    public Schedules(ScheduleRepository schedules, Clock clock) {
        this.schedules = schedules;
        this.clock = clock;
    }

    public Uni<Schedule> create(UUID taskId, String org, String createdBy, String name, Recurrence recurrence, CatchUp catchUp) {
        Schedule schedule = Schedule.create(taskId, org, createdBy, name, recurrence, catchUp, clock.instant());
        return Panache.withTransaction(() -> schedules.persist(schedule));
    }

    public Uni<Schedule> find(UUID id) {
        return Panache.withSession(() -> schedules.findById(id));
    }
}
