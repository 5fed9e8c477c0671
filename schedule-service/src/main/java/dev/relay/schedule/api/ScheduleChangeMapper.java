package dev.relay.schedule.api;

import java.time.LocalTime;
import java.time.ZoneId;

import dev.relay.common.api.FieldRules;
import dev.relay.common.error.ApiException;
import dev.relay.common.schedule.Frequency;
import dev.relay.common.schedule.Recurrence;
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
        String start = request.startTime() == null ? null : request.startTime().strip();
        if (start != null && !Recurrence.isStartTime(start)) {
            throw ApiException.invalidRequest("field 'start_time' must be HH:MM (24h), got '" + start + "'");
        }
        String zone = request.timeZone() == null ? null : request.timeZone().strip();
        if (zone != null && !Recurrence.isTimeZone(zone)) {
            throw ApiException.invalidRequest("field 'time_zone' must be an IANA time zone such as 'Europe/Berlin', got '" + zone + "'");
        }
        return new ScheduleChanges(name,
                FieldRules.oneOf("scan_frequency", request.scanFrequency(), Frequency.class, null),
                start == null ? null : LocalTime.parse(start),
                zone == null ? null : ZoneId.of(zone),
                FieldRules.oneOf("catch_up", request.catchUp(), CatchUp.class, null),
                FieldRules.oneOf("overlap", request.overlap(), Overlap.class, null));
    }
}
