package dev.relay.stream.domain;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Who may read a task's stream, as last announced by the task service. */
@Entity
@Table(name = "task_access")
public class TaskAccess {

    @Id
    @Column(name = "task_id")
    public UUID taskId;
    public String org;
    @Column(name = "created_by")
    public String createdBy;
    public String visibility;
    @Column(name = "is_shared")
    public boolean shared;
    @Column(name = "as_of_seq")
    public long asOfSeq;

    /** The task service's rule: private to the creator, team or shared to the org, public and unlisted to anyone. */
    public boolean isReadableBy(String viewerOrg, String viewerEmail) {
        return switch (visibility) {
            case "public", "unlisted" -> true;
            case "team" -> org.equals(viewerOrg);
            default -> org.equals(viewerOrg) && (shared || createdBy.equals(viewerEmail));
        };
    }
}
