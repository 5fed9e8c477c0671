package dev.relay.schedule.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "relay.schedule")
public interface ScheduleConfig {

    /** How often each replica looks for due schedules (a duration, or {@code off}: tests fire by hand). */
    String fireInterval();

    /** Schedules claimed per transaction when firing; a replica fires batch after batch while there are more. */
    @WithDefault("500")
    int claimBatch();

    /** A due time found later than this after it passed was missed (no replica ran), and its catch-up policy applies. */
    @WithDefault("1m")
    Duration misfireAfter();

    /** How long a firing that found its task busy with a run of its own waits before it is triggered again (buffer_one, allow). */
    @WithDefault("10s")
    Duration busyRetryAfter();
}
