package dev.rialto.benchmarks.retrieval;

import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.FoldInConfidence;
import dev.rialto.api.retrieval.ItemFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * (c2) The behaviour source's fold-in on Online Retail: iALS trained here as the trainer trains it (confidence
 * {@code 1 + 10·log(1 + purchases)}), then published without any user vector, so that every test customer is
 * folded in from their history by the source. Three publications on one index, measured on the same customers:
 * the trained user vectors (no fold-in: the reference), the fold-in with the source's own confidence
 * {@code 1 + behaviour.alpha·w} (what a publication that does not carry its confidence gets: the behaviour before
 * API retrieval 1.7), and the fold-in with the confidence published with the vectors (the trainer's form).
 */
final class FoldInRecall {

    private FoldInRecall() {
    }

    static void run(Path work, Path csv, int holdoutDays, Map<String, Object> overrides, int maxUsers)
            throws Exception {
        System.out.printf("%n== (c2) behaviour fold-in recall on Online Retail, last %d days held out ==%n",
                holdoutDays);
        if (!Files.isRegularFile(csv)) {
            System.out.println("skipped: no " + csv.toAbsolutePath() + " (pass retail=PATH)");
            return;
        }
        CandidateRecall.Retail retail = CandidateRecall.Retail.load(csv, holdoutDays, maxUsers);
        FoldInConfidence trainers = new FoldInConfidence(FoldInConfidence.Form.LOG1P, 10);
        long t = System.nanoTime();
        BehaviourVectors trained = CandidateRecall.ials(retail.counts(), retail.items().keySet(), 32, 10, 0.1, 10,
                retail.split(), trainers);
        System.out.printf("iALS (confidence 1 + 10 log1p(purchases)): %d users, %d items in %.1f s%n",
                trained.users().size(), trained.items().size(), (System.nanoTime() - t) / 1e9);
        Map<String, BehaviourVectors> publications = new LinkedHashMap<>();
        publications.put("trained user vectors (reference, no fold-in)", trained);
        publications.put("fold-in, source's 1 + alpha*w (unpublished confidence: before)",
                new BehaviourVectors(trained.model(), "2", trained.dimension(), trained.items(), Map.of(),
                        trained.regularisation(), trained.trainedAt(), null));
        publications.put("fold-in, published 1 + alpha*log1p(w) (after)",
                new BehaviourVectors(trained.model(), "3", trained.dimension(), trained.items(), Map.of(),
                        trained.regularisation(), trained.trainedAt(), trainers));

        Path dir = work.resolve("retail-foldin-" + holdoutDays);
        CandidateRecall.deleteRecursively(dir);
        Files.createDirectories(dir);
        try (Stack stack = new Stack(dir, List.copyOf(retail.items().values()), retail.train(),
                new Synthetic.WordEmbedder(384), CandidateRecall.withAlpha(overrides))) {
            CandidateSource behaviour = stack.sources.get("behaviour");
            ItemFilter all = new ItemFilter(null, Set.of(), false, false);
            System.out.printf("%-66s %10s %10s%n", "publication", "behaviour", "fused");
            for (Map.Entry<String, BehaviourVectors> p : publications.entrySet()) {
                stack.index.publish(p.getValue());
                long source = 0;
                long fused = 0;
                for (Map.Entry<String, Set<String>> e : retail.heldOut().entrySet()) {
                    Set<String> truth = e.getValue();
                    source += behaviour.candidates(new CandidateQuery(e.getKey(), null, 500, all)).stream()
                            .map(Candidate::itemId).filter(truth::contains).count();
                    fused += stack.recommender.recommend(new RecommendationRequest(e.getKey(), 500, all)).items()
                            .stream().map(RecommendedItem::itemId).filter(truth::contains).count();
                }
                System.out.printf("%-66s %10.3f %10.3f%n", p.getKey(), source / (double) retail.pairs(),
                        fused / (double) retail.pairs());
            }
        }
    }
}
