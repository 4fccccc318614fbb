package dev.rialto.api.ingest;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Validates and stores records that arrive already split into fields (an HTTP body, a message), through the same
 * validation and mapping as {@link Ingestor#ingestCsv}. A bad record never stops the others.
 */
@ProviderType
public interface RecordIngestor {
    /** The most records one call takes. */
    int MAX_RECORDS = 10_000;

    /**
     * Ingests a batch of records.
     *
     * @param kind    {@code items}, {@code events} or {@code profiles}, or the name of a column mapping, as in
     *                {@link Ingestor#ingestCsv}
     * @param records the records: field name (as the CSV column, case-insensitive) to a {@link String},
     *                {@link Number} or {@link Boolean}, or null for blank; a nested map or list, or a null record,
     *                rejects that record
     * @param source  a name for reports and dead letters, for example {@code http:events}
     * @return the report; each {@link Rejection#line()} is the record's 1-based position in {@code records}
     * @throws IllegalArgumentException when the kind is unknown, or there are more than {@link #MAX_RECORDS}
     *                                  records (then nothing is stored)
     */
    IngestReport ingestRecords(String kind, List<Map<String, Object>> records, String source);

    /**
     * Ingests one message of a queue or topic (Kafka): JSON text holding one flat object, an array of them, or
     * JSON Lines. Dead letters name the source, the partition as their file and the message offset as their line.
     *
     * @param kind      as in {@link #ingestRecords}
     * @param json      the message's text; null or blank is one rejected record
     * @param source    for example {@code kafka:rialto-events}
     * @param partition the partition or queue the message came from, or null
     * @param offset    the message's offset in the partition (at least 0)
     * @throws IllegalArgumentException when the kind is unknown
     */
    IngestReport ingestMessage(String kind, String json, String source, String partition, long offset);
}
