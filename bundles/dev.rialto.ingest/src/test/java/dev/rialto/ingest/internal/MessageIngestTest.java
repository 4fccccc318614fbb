package dev.rialto.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.ingest.IngestReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingestMessage: one object, an array or JSON Lines per message; dead letters carry partition and offset. */
class MessageIngestTest {
    @TempDir
    Path tmp;
    H2Store store;
    CsvIngestor ingestor;

    @BeforeEach
    void setUp() {
        store = new H2Store(tmp.resolve("key"), "drop");
        ingestor = store.ingestor(1000, null);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
    }

    @Test
    void objectsArraysAndLinesAreIngestedAndRedeliveryStoresNothingTwice() {
        String one = "{\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\",\"timestamp\":\"2026-01-01T10:00:00Z\"}";
        IngestReport first = ingestor.ingestMessage("events", one, "kafka:events", "0", 0);
        assertEquals(1, first.stored());
        IngestReport redelivered = ingestor.ingestMessage("events", one, "kafka:events", "0", 0);
        assertEquals(1, redelivered.duplicates(), "content id: a redelivered message is a duplicate");

        IngestReport array = ingestor.ingestMessage("events", "[{\"id\":\"a1\",\"type\":\"view\",\"user\":\"u1\","
                + "\"item\":\"i1\",\"timestamp\":1}, 7, {\"id\":\"a3\",\"type\":\"fly\",\"user\":\"u1\",\"timestamp\":1}]",
                "kafka:events", "1", 41);
        assertEquals(1, array.stored());
        assertEquals(2, array.rejections().size());
        IngestReport lines = ingestor.ingestMessage("events", "{\"id\":\"l1\",\"type\":\"search\",\"user\":\"u2\","
                + "\"query\":\"q\",\"timestamp\":1}\n{broken", "kafka:events", "1", 42);
        assertEquals(1, lines.stored());
        assertEquals(1, ingestor.ingestMessage("events", "", "kafka:events", "0", 43).rejections().size());

        List<DeadLetter> letters = store.journal.deadLetters("kafka:events", 10);
        assertEquals(List.of("partition-0:43", "partition-1#2:42", "partition-1#3:41", "partition-1#2:41"),
                letters.stream().map(d -> d.file() + ":" + d.line()).toList());
        assertEquals("7", letters.get(3).raw());
        assertEquals(3, store.events.count());
        assertThrows(IllegalArgumentException.class, () -> ingestor.ingestMessage("nope", one, "k", "0", 1));
    }
}
