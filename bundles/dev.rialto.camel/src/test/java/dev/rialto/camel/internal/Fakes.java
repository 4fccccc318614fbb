package dev.rialto.camel.internal;

import dev.rialto.api.ingest.EntityKind;
import dev.rialto.api.ingest.IngestReport;
import dev.rialto.api.ingest.Ingestor;
import dev.rialto.api.ingest.Rejection;
import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.models.TrainingJob;
import dev.rialto.api.models.TrainingProgress;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingService;
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

    static final class FakeTrainer implements ModelTrainer, TrainingService {
        final List<Boolean> calls = new CopyOnWriteArrayList<>();
        final List<String> crons = new CopyOnWriteArrayList<>();

        @Override
        public TrainingReport train(boolean force) {
            calls.add(force);
            return skipped("ranker");
        }

        private static TrainingReport skipped(String model) {
            Instant now = Instant.now();
            return new TrainingReport(TrainingReport.Status.SKIPPED, model, null, now, now, 0, 0, Map.of(),
                    Map.of(), "no new events since the last run");
        }

        @Override
        public Optional<TrainingReport> lastReport() {
            return Optional.empty();
        }

        @Override
        public List<String> trainable() {
            return List.of("ranker", "behaviour-ials");
        }

        @Override
        public List<TrainingReport> train(String model, boolean force, TrainingProgress progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TrainingJob submit(String model, boolean force) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<TrainingJob> job(String id) {
            return Optional.empty();
        }

        /** Due on every call, like "* * * * *" with ticks a minute apart. */
        @Override
        public List<TrainingReport> trainIfDue(String cron) {
            crons.add(cron);
            return List.of(skipped("ranker"), skipped("behaviour-ials"));
        }
    }
}
