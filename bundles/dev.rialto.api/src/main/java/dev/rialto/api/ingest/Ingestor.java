package dev.rialto.api.ingest;

import java.io.InputStream;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Parses, validates and stores records. Registered with {@code rialto.bean=ingestor} so that routes call it.
 * A bad record never stops the others: it is reported in {@link IngestReport#rejections()}.
 */
@ProviderType
public interface Ingestor {

    /**
     * Ingests one source: CSV, TSV or JSON Lines, optionally gzipped, the format taken from the source's file
     * name ({@code .csv}, {@code .tsv}, {@code .jsonl}/{@code .ndjson}, each optionally {@code .gz}).
     *
     * @param kind   {@code items}, {@code events} or {@code profiles}, or the name of a column mapping
     *               ({@code etc/rialto/mappings/<name>.properties} or one shipped in a bundle, e.g.
     *               {@code online-retail})
     * @param csv    the content; not closed
     * @param source a name for reports and dead letters, for example the file name
     * @throws IllegalArgumentException when the kind or mapping is unknown, the mapping is invalid, or the header
     *                                  misses a required column
     */
    IngestReport ingestCsv(String kind, InputStream csv, String source);
}
