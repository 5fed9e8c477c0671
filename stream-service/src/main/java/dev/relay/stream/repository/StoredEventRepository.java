package dev.relay.stream.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.domain.StoredEvent;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class StoredEventRepository implements PanacheRepositoryBase<StoredEvent, StoredEvent.Key> {

    /** Up to {@code limit} events of the task with seq greater than {@code after}, in seq order (the events list). */
    public Uni<List<StoredEvent>> after(UUID taskId, long after, int limit) {
        return find("taskId = ?1 and seq > ?2", Sort.by("seq"), taskId, after).page(0, limit).list();
    }

    /** Every stored event of one run (stream), in seq order: read along its task's key from the run's first seq. */
    public Uni<List<StoredEvent>> ofStream(UUID streamId) {
        return find("""
                select e from StoredEvent e, StoredRun r
                where r.streamId = ?1 and e.taskId = r.taskId and e.seq >= r.firstSeq and e.streamId = ?1
                order by e.seq""", streamId).list();
    }

    /** The task's latest stored event, or null. */
    public Uni<StoredEvent> latest(UUID taskId) {
        return find("taskId", Sort.descending("seq"), taskId).firstResult();
    }

    /** The task's latest event about a run (not about the task itself), or null. */
    public Uni<StoredEvent> latestOfRuns(UUID taskId) {
        return find("taskId = ?1 and type not in ?2", Sort.descending("seq"), taskId,
                TaskEventTypes.TASK_LEVEL).firstResult();
    }
}
