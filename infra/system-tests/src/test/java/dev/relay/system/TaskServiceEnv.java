package dev.relay.system;

import java.util.HashMap;
import java.util.Map;

import dev.relay.testsupport.PackagedService;

/** The task service's environment in the kill -9 tests: its stream service, and quick takeover of runs whose worker died. */
final class TaskServiceEnv {

    private TaskServiceEnv() {
    }

    /** Relaying to {@code streamService}; a run whose worker is silent for {@code staleAfter} is taken over. */
    static Map<String, String> recoveringAfter(PackagedService streamService, String staleAfter) {
        Map<String, String> env = new HashMap<>();
        env.put("RELAY_STREAM_SERVICE_URL", streamService.uri("").toString());
        env.put("RELAY_PUBLIC_URL", streamService.uri("").toString());
        env.put("RELAY_RUNTIME_STALE_AFTER", staleAfter);
        env.put("RELAY_RUNTIME_REAP_INTERVAL", "1s");
        env.put("RELAY_RUNTIME_HEARTBEAT_INTERVAL", "1s");
        return env;
    }
}
