package dev.rialto.camel.internal;

import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Ingestor;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.models.TrainingReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Hand-written fakes of the services the shipped routes call. */
final class Fakes {
    private Fakes() {
    }

    record IngestCall(String kind, String source, String content) {
    }

    /** Rejects one record of files named *reject*, refuses files named *bad*, accepts the rest. */
    static final class FakeIngestor implements Ingestor {
        final List<IngestCall> calls = new CopyOnWriteArrayList<>();

        @Override
        public IngestReport ingestCsv(String kind, InputStream csv, String source) {
            String content;
            try {
                content = new String(csv.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            calls.add(new IngestCall(kind, source, content));
            if (source.contains("bad")) {
                throw new IllegalArgumentException("header misses required column item_id");
            }
            long lines = content.lines().count() - 1;
            List<Rejection> rejections = source.contains("reject")
                    ? List.of(new Rejection(3, "i-2", "price", "price is not a number: 'abc'"))
                    : List.of();
            return new IngestReport(source, EntityKind.parse(kind), lines, lines - rejections.size(), 0, rejections);
        }
    }

    static final class FakeTrainer implements ModelTrainer {
        final List<Boolean> calls = new CopyOnWriteArrayList<>();

        @Override
        public TrainingReport train(boolean force) {
            calls.add(force);
            Instant now = Instant.now();
            return new TrainingReport(TrainingReport.Status.SKIPPED, "ranker", null, now, now, 0, 0, Map.of(),
                    Map.of(), "no new events since the last run");
        }

        @Override
        public Optional<TrainingReport> lastReport() {
            return Optional.empty();
        }
    }
}
