package dev.rialto.training.internal;

import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.scoring.FeatureExtractor;
import java.nio.file.Path;
import java.time.Clock;

/** Trains the ranker exactly as the server does (the trainer component's defaults) into a models folder. */
public final class RankerFixture {
    private RankerFixture() {
    }

    public static TrainingReport train(ItemRepository items, EventRepository events, FeatureExtractor extractor,
            Path modelsDir) {
        Settings settings = new Settings(modelsDir, "ranker", 1000, 4, 0.2, 12345L, 5, "ndcg@10", 100);
        TrainingReport report = new TrainerComponent(items, events, extractor, settings, Clock.systemUTC()).train(true);
        if (report.status() != TrainingReport.Status.PROMOTED) {
            throw new IllegalStateException("training did not produce a model: " + report.status() + " "
                    + report.message());
        }
        return report;
    }
}
