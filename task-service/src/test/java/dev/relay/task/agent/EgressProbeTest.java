package dev.relay.task.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.testsupport.FakeModelProvider;
import dev.relay.testsupport.RelayTestResources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A model that tries every built-in tool against the inside — a loopback listener the test profile does not allow
 * (127.0.0.2) in every spelling, localhost, ::1, cluster names — through a whole run: every attempt is refused with the
 * one neutral answer or answered nothing, and the listener accepts no connection. Only loopback targets are probed, so
 * a policy that failed would still reach nothing but this machine.
 */
@QuarkusTest
@TestProfile(EgressProbeTest.WithProbes.class)
@WithTestResource(RelayTestResources.class)
class EgressProbeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFUSED = "destination not allowed by the egress policy";
    private static final List<String> SPELLINGS = List.of("127.0.0.2", "127.2", "2130706434", "0x7f000002", "0177.0.0.2",
            "[::ffff:127.0.0.2]", "localhost", "LOCALHOST.", "[::1]");

    /** The model-provider profile, with http_request allowed to every spelling probed: only the egress policy stands in the way. */
    public static class WithProbes implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(new ModelProviderTest.WithAModelProvider().getConfigOverrides());
            overrides.put("relay.tools.http.allowed-hosts", String.join(",", SPELLINGS));
            overrides.put("relay.tools.max-calls-per-run", "100"); // every probe is made, none refused for the count
            return overrides;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeModelProvider.class));
        }
    }

    @Test
    void aModelThatTriesEveryToolAgainstTheInsideReachesNothing() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"))) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (true) {
                    try (Socket socket = listener.accept()) {
                        accepted.incrementAndGet();
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            int port = listener.getLocalPort();
            List<String[]> probes = new ArrayList<>();
            for (String host : SPELLINGS) {
                String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                probes.add(new String[] {"tls_inspect", "{\"host\":\"" + bare + "\",\"port\":" + port + "}"});
                probes.add(new String[] {"http_request", "{\"url\":\"http://" + host + ":" + port + "/\"}"});
            }
            for (String name : List.of("127.0.0.2", "kubernetes.default.svc.cluster.local", "metadata.google.internal")) {
                probes.add(new String[] {"dns_lookup", "{\"name\":\"" + name + "\"}"});
            }
            // localhost's 127.0.0.1 is what this profile allows for its receivers; its ::1 is not
            probes.add(new String[] {"dns_lookup", "{\"name\":\"localhost\",\"type\":\"AAAA\"}"});
            probes.add(new String[] {"dns_lookup", "{\"name\":\"api.localhost\",\"type\":\"AAAA\"}"});
            probes.add(new String[] {"dns_lookup", "{\"name\":\"metadata.google.internal\",\"type\":\"CNAME\"}"});
            FakeModelProvider.PROBES.clear();
            FakeModelProvider.PROBES.addAll(probes);

            String taskId = ModelProviderTest.create("{\"task\":\"probe-inside the network\",\"response_format\":\"json\",\"max_steps\":60}");
            List<JsonNode> events = ModelProviderTest.eventsUntil(taskId, "run.completed");

            List<JsonNode> calls = ModelProviderTest.ofAllTypes(events, "tool.call");
            List<JsonNode> results = ModelProviderTest.ofAllTypes(events, "tool.result");
            assertThat(calls).hasSize(probes.size());
            assertThat(results).hasSize(probes.size());
            for (int i = 0; i < probes.size(); i++) {
                JsonNode result = results.get(i).path("data");
                assertThat(result.path("call_id").asText()).isEqualTo(calls.get(i).path("data").path("call_id").asText());
                String what = probes.get(i)[0] + " " + probes.get(i)[1];
                if (probes.get(i)[0].equals("dns_lookup")) {
                    assertThat(JSON.readTree(result.path("output").asText()).path("records")).as(what).isEmpty();
                } else if (probes.get(i)[0].equals("http_request")) {
                    // java.net.URI reads 127.2, 2130706434 and 0x7f000002 as no host at all: refused before the policy
                    assertThat(result.path("error").asBoolean()).as(what).isTrue();
                    assertThat(result.path("output").asText()).as(what).isIn(REFUSED, "'url' must be an http or https URL");
                } else {
                    assertThat(result.path("error").asBoolean()).as(what).isTrue();
                    assertThat(result.path("output").asText()).as(what).isEqualTo(REFUSED);
                }
            }
            Thread.sleep(200);
            assertThat(accepted).as("connections the listener accepted").hasValue(0);
        } finally {
            FakeModelProvider.PROBES.clear();
        }
    }
}
