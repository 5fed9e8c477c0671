package dev.relay.task.task;

import dev.relay.task.budgets.BudgetHolder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Transient;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.descriptor.java.Immutability;

import dev.relay.common.auth.Visibility;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import com.fasterxml.jackson.databind.node.ArrayNode;

/** A conversation with an agent: owned by one user of one organization, executed as one or more runs. */
@Entity
@Table(name = "task")
@DynamicUpdate
public class Task {

    /** The runtime phases of the agents API: a run was requested, the runtime works on it, or it waits. */
    public static final String BOOTING = "booting";
    public static final String RUNNING = "running";
    public static final String READY = "ready";

    @Id
    public UUID id;
    public String org;
    @Column(name = "created_by")
    public String createdBy;
    public String title;
    public String visibility;
    public String model;
    public String mode;
    @Column(name = "project_id")
    public UUID projectId;
    /** Where its own lifecycle messages go besides the organization's webhook ({@code webhook_url}); null: nowhere. */
    @Column(name = "webhook_url")
    public String webhookUrl;
    /** The tokens (input and output) all its runs may use in all; null: no limit of its own. */
    @Column(name = "max_tokens")
    public Long maxTokens;
    @Column(name = "completion_delivery")
    public String completionDelivery;
    @Column(name = "is_isolated")
    public boolean isolated;
    // set once, never changed in place: no snapshot copy or deep comparison at each flush
    @Mutability(Immutability.class)
    @Convert(converter = JsonArrayConverter.class)
    @Column(name = "secret_names")
    public ArrayNode secretNames;
    /** The seq of the task's latest event; the next event gets {@code lastSeq + 1}. */
    @Column(name = "last_seq")
    public long lastSeq;
    @Column(name = "task_type")
    public String taskType = "sync";
    @Column(name = "approval_mode")
    @Convert(converter = WireValueColumn.ApprovalModes.class)
    public ApprovalMode approvalMode = ApprovalMode.MANUAL;
    @Column(name = "plan_mode")
    public boolean planMode;
    @Column(name = "permission_mode")
    @Convert(converter = WireValueColumn.PermissionModes.class)
    public PermissionMode permissionMode = PermissionMode.DEFAULT;
    @Column(name = "tool_execution_mode")
    public String toolExecutionMode = "cloud";
    public String source = "api";
    @Column(name = "is_shared")
    public boolean shared;
    @Column(name = "shared_at")
    public Instant sharedAt;
    /** {@code running} while a run is pending or active, else {@code idle}. */
    @Column(name = "run_state")
    @Convert(converter = WireValueColumn.RunStates.class)
    public RunState runState = RunState.IDLE;
    @Column(name = "tokens_used")
    public long tokensUsed;
    @Column(name = "context_used_tokens")
    public long contextUsedTokens;
    /** The integrations the agent may use: null inherits the organization's, empty means none. */
    @Mutability(Immutability.class)
    @Convert(converter = JsonArrayConverter.class)
    public ArrayNode integrations;
    @Mutability(Immutability.class)
    @JdbcTypeCode(SqlTypes.JSON)
    public Schedule schedule;
    @Mutability(Immutability.class)
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "scheduled_request")
    public ScheduledRequest scheduledRequest;
    // made by this request (not loaded): a create with a schedule does not run now
    @Transient
    public boolean createdNow;
    /** {@code booting}, {@code ready} or {@code running}; null until a runtime checked in. */
    @Column(name = "runtime_phase")
    public String runtimePhase;
    @Column(name = "last_heartbeat")
    public Instant lastHeartbeat;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    private static final int TITLE_LENGTH = 80;

    /** A new task of {@code creator} in {@code org}, as {@code request} describes it; it has no event yet. */
    public static Task create(String org, String creator, UUID id, NewTask request, Instant now) {
        Task task = new Task();
        task.id = id;
        task.org = org;
        task.createdBy = creator;
        task.title = title(request.prompt());
        task.visibility = request.visibility();
        task.model = request.runConfig().model();
        task.mode = request.runConfig().mode();
        task.planMode = "plan".equals(task.mode);
        task.projectId = request.projectId();
        task.completionDelivery = request.completionDelivery();
        task.isolated = request.isolated();
        task.secretNames = request.secretNames();
        task.maxTokens = request.taskMaxTokens();
        task.webhookUrl = request.webhookUrl();
        task.schedule = request.schedule() == null ? null : request.schedule().createdAt(now);
        if (task.schedule != null) {
            // it runs when its schedule fires, not now; the agents API shows it as started by its automation
            task.scheduledRequest = new ScheduledRequest(request.prompt(), request.parts(), request.fileKeys(), request.runConfig());
            task.taskType = "async";
            task.source = "schedule";
        }
        if (request.agent() != null) {
            task.approvalMode = request.agent().approvalMode();
            task.permissionMode = request.agent().permissionMode();
            task.toolExecutionMode = request.agent().toolExecutionMode();
            task.source = request.agent().source();
            task.integrations = request.agent().integrations();
        }
        task.lastSeq = 0;
        task.createdNow = true;
        task.createdAt = now;
        task.updatedAt = now;
        return task;
    }

    /** The first line of the prompt, cut to {@value #TITLE_LENGTH} characters. */
    static String title(String prompt) {
        String firstLine = prompt.strip().lines().findFirst().orElse("").strip();
        if (firstLine.isEmpty()) {
            return "Untitled task";
        }
        return firstLine.length() <= TITLE_LENGTH ? firstLine : firstLine.substring(0, TITLE_LENGTH - 1).strip() + "…";
    }

    /** Shares the task with its organization, or stops sharing it; {@code sharedAt} is when it was first shared. */
    public void share(boolean shared, Instant now) {
        this.shared = shared;
        if (shared && sharedAt == null) {
            sharedAt = now;
        }
    }

    /** The runtime reports in: it is {@code phase} now. */
    public void heartbeat(String phase, Instant at) {
        runtimePhase = phase;
        lastHeartbeat = at;
    }

    /** The task's run ended (completed, failed, cancelled): it is idle and its runtime waits. */
    public void runEnded() {
        runState = RunState.IDLE;
        runtimePhase = READY;
    }

    /** A continuation that names the task's token limit or its receiver replaces it (null: it stays as it was). */
    public void continuedWith(NewTask request) {
        if (request.taskMaxTokens() != null) {
            maxTokens = request.taskMaxTokens();
        }
        if (request.webhookUrl() != null) {
            webhookUrl = request.webhookUrl();
        }
    }

    /** A run of the task was requested (a new one, an answered one, or one handed back): it waits for a worker. */
    public void runRequested() {
        runState = RunState.RUNNING;
        runtimePhase = BOOTING;
    }

    /** Counts what one model call of its run used: the prompt's tokens in the context, the Neo tokens against the task. */
    public void used(int inputTokens, long neoTokens) {
        contextUsedTokens += inputTokens;
        tokensUsed += neoTokens;
    }

    /** The budget holder its runs are admitted and counted against: the organization, the creator and the project. */
    public BudgetHolder budgetHolder() {
        return new BudgetHolder(org, createdBy, projectId == null ? null : projectId.toString());
    }

    /** The names of the organization's secrets its runs may use. */
    public List<String> secretNameList() {
        List<String> names = new ArrayList<>();
        if (secretNames != null) {
            secretNames.forEach(name -> names.add(name.asText()));
        }
        return names;
    }

    /**
     * The ids of the integrations (the operator's MCP servers, by name) its runs get: null when the task names none
     * ({@code integrations} absent: every configured server, as before), empty for {@code []} (none).
     */
    public List<String> integrationIds() {
        if (integrations == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        integrations.forEach(integration -> ids.add(integration.path("id").asText()));
        return ids;
    }

    /** Whether its runs may only use tools that change nothing. */
    public boolean isReadOnly() {
        return permissionMode == PermissionMode.READ_ONLY;
    }

    /** Whether the task was just created with a schedule: it waits for the schedule instead of running now. */
    public boolean waitsForItsSchedule() {
        return createdNow && scheduledRequest != null;
    }

    public boolean isCreatedBy(String email) {
        return createdBy.equals(email);
    }

    public boolean isVisibleTo(String viewerOrg, String viewerEmail) {
        return Visibility.of(visibility).lets(viewerOrg, viewerEmail, org, createdBy, shared);
    }
}
