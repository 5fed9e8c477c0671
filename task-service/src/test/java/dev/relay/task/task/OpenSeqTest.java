package dev.relay.task.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventData;

class OpenSeqTest {

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void theSeqWrittenInGivesTheEventAsItWouldBeWrittenWithIt() throws Exception {
        // an organization and a chunk that look like the envelope's key do not move the slot
        String org = "acme \"seq\":" + OpenSeq.OPEN;
        TaskEventData data = new TaskEventData.MessageDelta(UUID.randomUUID(), "{\"seq\":" + OpenSeq.OPEN + "} \"seq\":1");
        UUID id = UUID.randomUUID();
        UUID task = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        Instant at = Instant.parse("2026-12-06T22:00:00.123456Z");

        OpenSeq open = OpenSeq.of(json.writeValueAsString(new TaskEvent(id, task, org, OpenSeq.OPEN, run, data.type(), at, json.valueToTree(data))));

        for (long seq : new long[] {1, 42, Long.MAX_VALUE}) {
            String expected = json.writeValueAsString(new TaskEvent(id, task, org, seq, run, data.type(), at, json.valueToTree(data)));
            assertThat(open.with(seq)).isEqualTo(expected);
            assertThat(json.readValue(open.with(seq), TaskEvent.class).seq()).isEqualTo(seq);
        }
    }

    @Test
    void anEventWrittenWithItsSeqHasNoSlot() {
        assertThatThrownBy(() -> OpenSeq.of("{\"id\":\"x\",\"seq\":7}")).isInstanceOf(IllegalArgumentException.class);
    }
}
