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
     * Ingests a CSV source with a header row (UTF-8).
     *
     * @param kind   {@code items}, {@code events} or {@code profiles}
     * @param csv    the content; not closed
     * @param source a name for reports and dead letters, for example the file name
     * @throws IllegalArgumentException when the kind is unknown or the header misses a required column
     */
    IngestReport ingestCsv(String kind, InputStream csv, String source);
}
