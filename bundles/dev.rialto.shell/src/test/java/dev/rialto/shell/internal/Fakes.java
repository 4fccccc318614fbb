package dev.rialto.shell.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ScoreResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Hand-written fakes of the services the commands call. */
final class Fakes {

    static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

    private Fakes() {
    }

    static TrainingReport report(TrainingReport.Status status) {
        return new TrainingReport(status, "ranker", status == TrainingReport.Status.SKIPPED ? null : "20250601-1",
                T0, T0.plusMillis(12_345), 80_000, 20_000, Map.of("ndcg@10", 0.3121, "auc", 0.81234),
                Map.of("popularity.ndcg@10", 0.1512), "beat the live model on ndcg@10");
    }

    static final class Trainer implements ModelTrainer {
        final List<Boolean> calls = new ArrayList<>();
        TrainingReport last;

        @Override
        public TrainingReport train(boolean force) {
            calls.add(force);
            last = report(force ? TrainingReport.Status.PROMOTED : TrainingReport.Status.SKIPPED);
            return last;
        }

        @Override
        public Optional<TrainingReport> lastReport() {
            return Optional.ofNullable(last);
        }
    }

    static final class RecorderRecommender implements Recommender {
        RecommendationRequest request;
        Recommendation answer;

        @Override
        public Recommendation recommend(RecommendationRequest request) {
            this.request = request;
            return answer;
        }
    }

    static final class Scorer implements InterestScorer {
        final ModelInfo model;

        Scorer(ModelInfo model) {
            this.model = model;
        }

        @Override
        public Optional<ModelInfo> activeModel() {
            return Optional.ofNullable(model);
        }

        @Override
        public ScoreResult score(String userId, List<String> itemIds) {
            throw new UnsupportedOperationException();
        }
    }

    static final class Items implements ItemRepository {
        final long count;

        Items(long count) {
            this.count = count;
        }

        @Override
        public void upsert(Collection<Item> items) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Item> find(String id) {
            return Optional.empty();
        }

        @Override
        public Map<String, Item> findAll(Collection<String> ids) {
            return Map.of();
        }

        @Override
        public long count() {
            if (count < 0) {
                throw new IllegalStateException("database is down");
            }
            return count;
        }

        @Override
        public void forEach(Consumer<Item> consumer) {
        }
    }
}
