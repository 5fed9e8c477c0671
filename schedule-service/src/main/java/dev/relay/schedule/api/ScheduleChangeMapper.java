package dev.relay.schedule.api;

import java.time.LocalTime;
import java.time.ZoneId;

import dev.relay.common.api.FieldRules;
import dev.relay.common.error.ApiException;
import dev.relay.common.schedule.Frequency;
import dev.relay.schedule.api.ScheduleViews.ScheduleChangeRequest;
import dev.relay.schedule.domain.CatchUp;
import dev.relay.schedule.domain.Overlap;
import dev.relay.schedule.service.Schedules.ScheduleChanges;

/** Checks a PATCH body field by field (400 naming the field) and turns it into the changes it asks for. */
final class ScheduleChangeMapper {

    private static final int NAME_LENGTH = 200;

    private ScheduleChangeMapper() {
    }

    static ScheduleChanges changes(ScheduleChangeRequest request) {
        if (request == null) {
            throw ApiException.invalidRequest("a JSON body with the fields to change is required");
        }
        String name = request.name() == null ? null : request.name().strip();
        if (name != null && (name.isEmpty() || name.length() > NAME_LENGTH)) {
            throw ApiException.invalidRequest("field 'name' must be 1 to " + NAME_LENGTH + " characters");
        }
        String start = FieldRules.startTime("start_time", request.startTime());
        String zone = FieldRules.timeZone("time_zone", request.timeZone(), null);
        return new ScheduleChanges(name,
                FieldRules.oneOf("scan_frequency", request.scanFrequency(), Frequency.class, null),
                start == null ? null : LocalTime.parse(start),
                zone == null ? null : ZoneId.of(zone),
                FieldRules.oneOf("catch_up", request.catchUp(), CatchUp.class, null),
                FieldRules.oneOf("overlap", request.overlap(), Overlap.class, null));
    }
}
