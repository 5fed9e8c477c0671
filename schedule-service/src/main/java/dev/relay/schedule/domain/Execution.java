package dev.relay.schedule.domain;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One firing of a schedule, for one due time (the seeds' {@code ExecutionInfo}). */
@Entity
@Table(name = "schedule_execution")
public class Execution {

    @Id
    public UUID id;
    @Column(name = "schedule_id")
    public UUID scheduleId;
    @Column(name = "scheduled_at")
    public Instant scheduledAt;
    @Column(name = "fired_at")
    public Instant firedAt;
    public String status;
    public String reason;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
}
