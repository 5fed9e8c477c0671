package dev.relay.task.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.exception.ConstraintViolationException;

import dev.relay.common.auth.Caller;
import dev.relay.common.error.ApiException;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.task.domain.IdempotencyKey;
import dev.relay.task.domain.OutboxEvent;
import dev.relay.task.domain.RunStatus;
import dev.relay.task.domain.Task;
import dev.relay.task.domain.TaskMessage;
import dev.relay.task.domain.TaskRun;
import dev.relay.task.messaging.OutboxPublisher;
import dev.relay.task.repository.IdempotencyKeyRepository;
import dev.relay.task.repository.TaskMessageRepository;
import dev.relay.task.repository.TaskRepository;
import dev.relay.task.repository.TaskRunRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Starting, continuing and reading tasks. */
@ApplicationScoped
public class TaskService {

    private static final int TITLE_LENGTH = 80;

    private final TaskRepository tasks;
    private final TaskRunRepository runs;
    private final TaskMessageRepository messages;
    private final TaskEventLog eventLog;
    private final OutboxPublisher publisher;
    private final RunSteps runSteps;
    private final IdempotencyKeyRepository idempotencyKeys;

    public TaskService(TaskRepository tasks, TaskRunRepository runs, TaskMessageRepository messages, TaskEventLog eventLog,
            OutboxPublisher publisher, RunSteps runSteps, IdempotencyKeyRepository idempotencyKeys) {
        this.runSteps = runSteps;
        this.idempotencyKeys = idempotencyKeys;
        this.tasks = tasks;
        this.runs = runs;
        this.messages = messages;
        this.eventLog = eventLog;
        this.publisher = publisher;
    }

    /** Creates the task (or continues the caller's existing one) and requests a run; answers the task id. */
    public Uni<UUID> start(Caller caller, NewTask request) {
        return start(caller, request, null);
    }

    /**
     * As {@link #start(Caller, NewTask)}; with an idempotency key, a retry of the same request answers the task the
     * first one made (and starts nothing), and the same key with another request is a 409.
     */
    public Uni<UUID> start(Caller caller, NewTask request, String idempotencyKey) {
        List<OutboxEvent> records = new ArrayList<>();
        String hash = idempotencyKey == null ? null : IdempotentCalls.sha256(request.toString());
        return Panache.withTransaction(() -> earlierAnswer(caller, idempotencyKey, hash).chain(earlier -> earlier != null
                        ? Uni.createFrom().item(earlier)
                        : taskToRun(caller, request, records)
                                .call(task -> requestRun(task, request, records))
                                .call(task -> remember(caller, idempotencyKey, hash, task.id))
                                .map(task -> task.id)))
                // a concurrent first request with the same key won; this one's transaction rolled back whole
                .onFailure(ConstraintViolationException.class).invoke(records::clear)
                .onFailure(ConstraintViolationException.class).recoverWithUni(() -> idempotencyKey == null
                        ? Uni.createFrom().failure(ApiException.conflict("conflict", "the request conflicts with another one"))
                        : Panache.withTransaction(() -> earlierAnswer(caller, idempotencyKey, hash)))
                .call(() -> publisher.publish(records));
    }

    private Uni<UUID> earlierAnswer(Caller caller, String key, String hash) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return idempotencyKeys.findById(new IdempotencyKey.Key(caller.org(), caller.email(), key), LockModeType.PESSIMISTIC_WRITE)
                .map(found -> {
                    if (found != null) {
                        IdempotentCalls.requireSameRequest(found, key, hash);
                    }
                    return found == null ? null : found.taskId;
                });
    }

    private Uni<Void> remember(Caller caller, String key, String hash, UUID taskId) {
        if (key == null) {
            return Uni.createFrom().voidItem();
        }
        IdempotencyKey row = new IdempotencyKey();
        row.org = caller.org();
        row.userEmail = caller.email();
        row.key = key;
        row.requestHash = hash;
        row.taskId = taskId;
        row.createdAt = Instant.now();
        return idempotencyKeys.persist(row).replaceWithVoid();
    }

    /** The task as {@code caller} may see it, or 404 (also for another organization's task). */
    public Uni<TaskSnapshot> snapshot(Caller caller, UUID taskId) {
        // FOR SHARE: writers lock the task row before they touch its messages, so the snapshot is exact at lastSeq
        return Panache.withTransaction(() -> tasks.findById(taskId, LockModeType.PESSIMISTIC_READ)
                .map(task -> visibleOrNotFound(task, caller, taskId))
                .chain(task -> runs.ofTask(taskId)
                        .chain(taskRuns -> messages.ofTask(taskId)
                                .map(taskMessages -> new TaskSnapshot(task, taskRuns, taskMessages)))));
    }

    /** A page of the organization's tasks that the caller may see; one more than asked tells whether more follow. */
    public Uni<List<Task>> list(Caller caller, String org, TaskListQuery query) {
        caller.requireOrg(org);
        return Panache.withSession(() -> tasks.page(org, caller.email(), query));
    }

    /** The task as {@code caller} may see it in {@code org}, or 404. */
    public Uni<Task> find(Caller caller, String org, UUID taskId) {
        caller.requireOrg(org);
        return Panache.withSession(() -> tasks.findById(taskId)).map(task -> {
            if (task != null && !task.org.equals(org)) {
                throw ApiException.notFound("task " + taskId + " not found");
            }
            return visibleOrNotFound(task, caller, taskId);
        });
    }

    /** The task as {@code caller} may see it in {@code org} (else 404), when the caller created it (else 403). */
    public Uni<Task> findOwn(Caller caller, String org, UUID taskId, String action) {
        return find(caller, org, taskId).invoke(task -> {
            if (!task.isCreatedBy(caller.email())) {
                throw ApiException.forbidden("only the task's creator may " + action + " it");
            }
        });
    }

    /** What a PATCH changes; null fields stay as they are. */
    public record TaskChanges(String name, Boolean shared, String approvalMode, String permissionMode) {
    }

    /**
     * Applies the creator's changes; sharing announces a {@code task.updated} event, so the stream service lets the
     * organization read the task's stream too.
     */
    public Uni<Task> update(Caller caller, String org, UUID taskId, TaskChanges changes) {
        List<OutboxEvent> records = new ArrayList<>();
        return findOwn(caller, org, taskId, "change").chain(() -> Panache.withTransaction(() -> tasks.lock(taskId).chain(task -> {
            boolean sharingChanged = changes.shared() != null && changes.shared() != task.shared;
            if (changes.name() != null) {
                task.title = changes.name();
            }
            if (changes.approvalMode() != null) {
                task.approvalMode = changes.approvalMode();
            }
            if (changes.permissionMode() != null) {
                task.permissionMode = changes.permissionMode();
            }
            if (changes.shared() != null) {
                task.shared = changes.shared();
                if (task.shared && task.sharedAt == null) {
                    task.sharedAt = Instant.now();
                }
            }
            task.updatedAt = Instant.now();
            if (!sharingChanged && changes.name() == null) {
                return Uni.createFrom().item(task);
            }
            var data = eventLog.data().put("visibility", task.visibility).put("is_shared", task.shared).put("title", task.title);
            return eventLog.append(task, null, TaskEventTypes.TASK_UPDATED, data).invoke(records::add).replaceWith(task);
        }))).call(() -> publisher.publish(records));
    }

    /** Cancels the caller's task's unfinished run (see {@link RunSteps#abortLatest}); only its creator may. */
    public Uni<Task> cancel(Caller caller, String org, UUID taskId, boolean force) {
        return findOwn(caller, org, taskId, "cancel")
                .chain(() -> runSteps.abortLatest(taskId, force)).call(publisher::publish)
                .chain(() -> Panache.withSession(() -> tasks.findById(taskId)));
    }

    private Uni<Task> taskToRun(Caller caller, NewTask request, List<OutboxEvent> records) {
        if (request.taskId() == null) {
            return create(newTask(caller, UUID.randomUUID(), request), records);
        }
        return tasks.lock(request.taskId()).chain(existing -> {
            if (existing == null) {
                return create(newTask(caller, request.taskId(), request), records);
            }
            if (!existing.org.equals(caller.org()) || !existing.isCreatedBy(caller.email())) {
                return Uni.createFrom().failure(ApiException.notFound("task " + request.taskId() + " not found"));
            }
            return runs.ofTask(existing.id).map(previous -> {
                if (!previous.isEmpty() && !previous.get(previous.size() - 1).runStatus().isFinished()) {
                    throw ApiException.conflict("task_busy", "task " + existing.id + " has a run in progress");
                }
                return existing;
            });
        });
    }

    private Uni<Task> create(Task task, List<OutboxEvent> records) {
        var data = eventLog.data().put("created_by", task.createdBy).put("visibility", task.visibility).put("title", task.title);
        return tasks.persist(task)
                .call(() -> eventLog.append(task, null, TaskEventTypes.TASK_CREATED, data).invoke(records::add));
    }

    private Uni<Void> requestRun(Task task, NewTask request, List<OutboxEvent> records) {
        Instant now = Instant.now();
        task.runState = "running";
        task.runtimePhase = Task.BOOTING;
        TaskRun run = new TaskRun();
        run.id = UUID.randomUUID();
        run.taskId = task.id;
        run.status = RunStatus.PENDING.value();
        run.runConfig = request.runConfig();
        run.createdAt = now;

        TaskMessage message = new TaskMessage();
        message.id = request.messageId() != null ? request.messageId() : UUID.randomUUID();
        message.taskId = task.id;
        message.streamId = run.id;
        message.role = "user";
        message.content = request.prompt();
        message.parts = request.parts();
        message.complete = true;
        message.firstSeq = task.lastSeq + 1;
        message.createdAt = now;

        var data = eventLog.data()
                .put("message_id", message.id.toString())
                .put("role", message.role)
                .put("content", message.content);
        data.set("parts", request.parts());
        if (!request.fileKeys().isEmpty()) {
            data.set("file_keys", request.fileKeys());
        }
        data.putPOJO("run_config", request.runConfig());
        return runs.persist(run)
                .chain(() -> messages.persist(message))
                .chain(() -> eventLog.append(task, run.id, TaskEventTypes.USER_MESSAGE, data)).invoke(records::add)
                .chain(() -> eventLog.requestRun(task, run.id)).invoke(records::add)
                .replaceWithVoid();
    }

    private static Task newTask(Caller caller, UUID id, NewTask request) {
        Instant now = Instant.now();
        Task task = new Task();
        task.id = id;
        task.org = caller.org();
        task.createdBy = caller.email();
        task.title = title(request.prompt());
        task.visibility = request.visibility();
        task.model = request.runConfig().model();
        task.mode = request.runConfig().mode();
        task.planMode = "plan".equals(task.mode);
        task.projectId = request.projectId();
        task.completionDelivery = request.completionDelivery();
        task.isolated = request.isolated();
        task.secretNames = request.secretNames();
        task.schedule = request.schedule() == null ? null : request.schedule().createdAt(now);
        if (request.agent() != null) {
            task.approvalMode = request.agent().approvalMode();
            task.permissionMode = request.agent().permissionMode();
            task.toolExecutionMode = request.agent().toolExecutionMode();
            task.source = request.agent().source();
            task.integrations = request.agent().integrations();
        }
        task.lastSeq = 0;
        task.createdAt = now;
        task.updatedAt = now;
        return task;
    }

    private static Task visibleOrNotFound(Task task, Caller caller, UUID taskId) {
        if (task == null || !task.isVisibleTo(caller.org(), caller.email())) {
            throw ApiException.notFound("task " + taskId + " not found");
        }
        return task;
    }

    static String title(String prompt) {
        String firstLine = prompt.strip().lines().findFirst().orElse("").strip();
        if (firstLine.isEmpty()) {
            return "Untitled task";
        }
        return firstLine.length() <= TITLE_LENGTH ? firstLine : firstLine.substring(0, TITLE_LENGTH - 1).strip() + "…";
    }
}
