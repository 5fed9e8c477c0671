package dev.relay.task.run;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
class OrgRunLimitRepository implements PanacheRepositoryBase<OrgRunLimit, String> {

    /** The own limits of those of {@code orgs} that set one. */
    Uni<List<OrgRunLimit>> of(Collection<String> orgs) {
        return list("orgId in ?1", orgs);
    }
}
