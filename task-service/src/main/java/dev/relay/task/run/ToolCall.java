package dev.relay.task.run;

import dev.relay.task.task.TaskRun;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;

/** A tool call a run made (or asked to make), and its result once it has one. */
@Entity
@Table(name = "tool_call")
@DynamicUpdate
public class ToolCall {

    @Id
    public UUID id;
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "stream_id")
    public UUID streamId;
    /** The model's id of the call, which its result must name when it goes back to the model. */
    @Column(name = "call_id")
    public String callId;
    public long seq;
    public String name;
    /** The arguments, as JSON. */
    public String arguments;
    /** Null until the call has a result. */
    public String output;
    public boolean error;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    /** A call the model made in {@code run}, its {@code tool.call} event at {@code seq}, without a result yet. */
    public static ToolCall recorded(TaskRun run, String callId, long seq, String name, String arguments, Instant at) {
        ToolCall call = new ToolCall();
        call.id = UUID.randomUUID();
        call.taskId = run.taskId;
        call.streamId = run.id;
        call.callId = callId;
        call.seq = seq;
        call.name = name;
        call.arguments = arguments;
        call.createdAt = at;
        return call;
    }

    public boolean hasResult() {
        return output != null;
    }

    public void finish(String output, boolean error, Instant at) {
        this.output = output;
        this.error = error;
        this.finishedAt = at;
    }
}
