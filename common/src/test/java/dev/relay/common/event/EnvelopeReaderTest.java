package dev.relay.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.relay.common.messaging.PoisonRecord;

class EnvelopeReaderTest {

    private static final EnvelopeReader READER = new EnvelopeReader(new ObjectMapper());
    private static final String HEAD = "{\"id\":\"" + UUID.randomUUID() + "\",\"task_id\":\"" + UUID.randomUUID()
            + "\",\"org\":\"acme\",\"seq\":7,\"stream_id\":null,";

    @Test
    void readsTheHeaderAndSkipsTheDataOfRunEvents() {
        TaskEvent event = READER.read(HEAD + "\"type\":\"message.delta\",\"created_at\":\"2026-11-23T10:00:00Z\","
                + "\"data\":{\"delta\":\"x\",\"nested\":{\"a\":[1,2]}},\"later\":{\"b\":1}}", TaskEventTypes::isTaskLevel);
        assertThat(event.seq()).isEqualTo(7);
        assertThat(event.org()).isEqualTo("acme");
        assertThat(event.streamId()).isNull();
        assertThat(event.type()).isEqualTo("message.delta");
        assertThat(event.createdAt()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(event.data()).isNull();
    }

    @Test
    void keepsTheDataOfTaskLevelEventsWhateverTheFieldOrder() {
        TaskEvent created = READER.read(HEAD + "\"type\":\"task.created\",\"created_at\":\"2026-11-23T10:00:00Z\","
                + "\"data\":{\"visibility\":\"team\"}}", TaskEventTypes::isTaskLevel);
        assertThat(created.data().get("visibility").asText()).isEqualTo("team");
        TaskEvent dataFirst = READER.read("{\"data\":{\"visibility\":\"public\"}," + HEAD.substring(1)
                + "\"type\":\"task.updated\",\"created_at\":\"2026-11-23T10:00:00Z\"}", TaskEventTypes::isTaskLevel);
        assertThat(dataFirst.data().get("visibility").asText()).isEqualTo("public");
    }

    @Test
    void timestampsInEveryFormReadAsInstantParseReadsThem() {
        for (String text : new String[] {"2026-11-23T10:00:00Z", "2026-11-23T10:00:00.5Z", "2026-11-23T10:00:00.123Z",
                "2026-11-23T10:00:00.123456Z", "2026-11-23T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
                "2024-02-29T12:30:45.000001Z", "2026-11-23T10:00:00+02:00", "2026-11-23T10:00:00.25-05:30"}) {
            assertThat(EnvelopeReader.instant(text)).as(text).isEqualTo(java.time.OffsetDateTime.parse(text).toInstant());
        }
        for (String bad : new String[] {"2026-02-30T10:00:00Z", "2026-11-23T25:00:00Z",
                "2026-11-23T10:00:0xZ", "yesterday"}) {
            assertThatThrownBy(() -> EnvelopeReader.instant(bad)).as(bad).isInstanceOf(java.time.DateTimeException.class);
        }
    }

    @Test
    void thePositionOfALiveEventIsReadWithoutTheRest() {
        UUID task = UUID.randomUUID();
        EnvelopeReader.Position position = READER.position("{\"id\":\"x\",\"task_id\":\"" + task
                + "\",\"seq\":12,\"type\":\"message.delta\",\"data\":{\"not\":\"read\"}, this is never scanned");
        assertThat(position).isEqualTo(new EnvelopeReader.Position(task, 12, "message.delta", null));
        assertThatThrownBy(() -> READER.position("{\"seq\":1,\"type\":\"x\"}")).isInstanceOf(PoisonRecord.class);
    }

    @Test
    void thePositionNamesItsRunAndARunsLastEventIsReadOnUntilItsRunIsFound() {
        UUID task = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        assertThat(READER.position("{\"task_id\":\"" + task + "\",\"seq\":3,\"stream_id\":\"" + run
                + "\",\"type\":\"message.delta\",\"data\":{}}")).isEqualTo(new EnvelopeReader.Position(task, 3, "message.delta", run));
        // another writer's field order: the run after the type, read on for a run's last event only
        assertThat(READER.position("{\"task_id\":\"" + task + "\",\"seq\":4,\"type\":\"run.completed\",\"data\":{\"a\":[1]},"
                + "\"stream_id\":\"" + run + "\"}")).isEqualTo(new EnvelopeReader.Position(task, 4, "run.completed", run));
        assertThat(READER.position("{\"task_id\":\"" + task + "\",\"seq\":5,\"type\":\"message.delta\",\"stream_id\":\"" + run
                + "\"}, never scanned")).isEqualTo(new EnvelopeReader.Position(task, 5, "message.delta", null));
    }

    @Test
    void aRecordThatIsNotAnEnvelopeIsRefused() {
        assertThatThrownBy(() -> READER.read("[1,2]", type -> true)).isInstanceOf(PoisonRecord.class);
        assertThatThrownBy(() -> READER.read("{\"id\":\"nope\"}", type -> true)).isInstanceOf(PoisonRecord.class);
        assertThatThrownBy(() -> READER.read("{\"id\":", type -> true)).isInstanceOf(PoisonRecord.class);
        assertThatThrownBy(() -> READER.read(HEAD + "\"type\":\"x\"}", type -> true)).isInstanceOf(PoisonRecord.class);
        // a type whose data the consumer needs, without it
        assertThatThrownBy(() -> READER.read(HEAD + "\"type\":\"usage.reported\",\"created_at\":\"2026-11-23T10:00:00Z\"}",
                TaskEventTypes.USAGE_REPORTED::equals)).isInstanceOf(PoisonRecord.class);
    }
}
