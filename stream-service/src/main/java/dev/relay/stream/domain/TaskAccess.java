package dev.relay.stream.domain;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.relay.common.auth.Visibility;

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

    /** The task service's rule ({@link Visibility}); a visibility this service does not know is read as private. */
    public boolean isReadableBy(String viewerOrg, String viewerEmail) {
        Visibility rule;
        try {
            rule = Visibility.of(visibility);
        } catch (IllegalArgumentException unknown) {
            rule = Visibility.PRIVATE;
        }
        return rule.lets(viewerOrg, viewerEmail, org, createdBy, shared);
    }
}
