package dev.rialto.ingest.internal;

import java.util.Locale;

/** The text formats the ingestor reads; gzip is detected from the content, not the name. */
enum Format {
    CSV, TSV, JSONL;

    /**
     * The format a file name implies: {@code .csv}, {@code .tsv}, {@code .jsonl} or {@code .ndjson}, each
     * optionally followed by {@code .gz}. Anything else is CSV, as before formats existed.
     */
    static Format ofName(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".tsv")) {
            return TSV;
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return JSONL;
        }
        return CSV;
    }

    static Format parse(String value, String property) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "tsv" -> TSV;
            case "jsonl", "ndjson" -> JSONL;
            default -> throw new IllegalArgumentException(property + " '" + value + "' is not csv, tsv or jsonl");
        };
    }
}
