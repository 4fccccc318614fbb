package dev.rialto.training.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.benchmarks.support.MemoryEvents;
import dev.rialto.benchmarks.support.MemoryItems;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.recommend.LuceneRecommender;
import dev.rialto.retrieval.lucene.internal.sources.BehaviourCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.BuyAgainCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.CoVisitationCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.NewArrivalsCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularInCategorySource;
import dev.rialto.retrieval.lucene.internal.sources.PopularityCounters;
import dev.rialto.retrieval.lucene.internal.sources.TextCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TrendingCandidateSource;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The retrieval half of the recommend pipeline, built outside OSGi the way SCR wires it: the Lucene item index
 * over the catalogue, popularity counters and the candidate sources over the events before the split only, the
 * trainer's own split-time iALS vectors published to the index for the behaviour source, and the real
 * {@link LuceneRecommender} with no scorer bound, so that {@code recommend(user, rerank.depth)} returns the fused
 * head the scorer would see. The trainer's evaluation reranks that head with the new model, as the recommender
 * does with a scorer bound. The semantic source is left out (it needs the MiniLM embedder), and
 * {@code -Dquality.sources.exclude=a,b} leaves others out; everything else runs
 * with the server's default settings unless a system property {@code retrieval.<property>} overrides one
 * (e.g. {@code -Dretrieval.source.weights=behaviour=2,popular=1}).
 */
final class RetailPipeline implements TrainingRun.Pipeline, AutoCloseable {
    private final Path dir;
    private final Collection<Item> items;
    private final List<Event> trainEvents;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private ItemIndex index;
    private PopularityCounters counters;
    private LuceneRecommender recommender;
    private int depth;
    private long requests;
    private long nanos;

    RetailPipeline(Path dir, Collection<Item> items, List<Event> trainEvents) {
        this.dir = dir;
        this.items = items;
        this.trainEvents = trainEvents;
        settings.put("index.dir", dir.resolve("index").toString());
        settings.put("behaviour.dir", dir.resolve("behaviour").toString());
        settings.put("popular.refresh.ms", 0);
        settings.put("refresh.interval.ms", 60_000);
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("retrieval.")) {
                settings.put(k.toString().substring("retrieval.".length()), coerce(v.toString()));
            }
        });
    }

    private static Object coerce(String v) {
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            try {
                return Double.valueOf(v);
            } catch (NumberFormatException f) {
                return "true".equals(v) || "false".equals(v) ? Boolean.valueOf(v) : v;
            }
        }
    }

    @Override
    public void prepare(BehaviourVectors trainVectors) {
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            ItemIndex.Config config = config(settings);
            depth = config.rerank_depth();
            MemoryEvents events = new MemoryEvents();
            events.append(trainEvents);
            events.seal();
            long start = System.nanoTime();
            index = new ItemIndex(new MemoryItems(items));
            index.activate(config);
            if (!index.awaitRebuild(600_000)) {
                throw new IllegalStateException("the item index was not built in 10 minutes");
            }
            index.publish(trainVectors);
            counters = new PopularityCounters(events);
            counters.activate(config);
            if (!counters.awaitLoaded(600_000)) {
                throw new IllegalStateException("the popularity counters were not loaded in 10 minutes");
            }
            Map<String, CandidateSource> sources = new LinkedHashMap<>();
            sources.put(TextCandidateSource.NAME, new TextCandidateSource(index, events));
            sources.put(BehaviourCandidateSource.NAME, new BehaviourCandidateSource(index, events));
            sources.put(PopularCandidateSource.NAME, new PopularCandidateSource(counters, index, events));
            sources.put(PopularInCategorySource.NAME, new PopularInCategorySource(counters, index, events));
            sources.put(CoVisitationCandidateSource.NAME, new CoVisitationCandidateSource(counters, index, events));
            sources.put(TrendingCandidateSource.NAME, new TrendingCandidateSource(counters, index, events));
            sources.put(NewArrivalsCandidateSource.NAME, new NewArrivalsCandidateSource(index, events));
            sources.put(BuyAgainCandidateSource.NAME, new BuyAgainCandidateSource(index, events));
            // -Dquality.sources.exclude=a,b leaves sources out (to measure what one adds on the same split).
            for (String name : System.getProperty("quality.sources.exclude", "").split(",")) {
                if (!name.isBlank() && sources.remove(name.strip()) == null) {
                    throw new IllegalArgumentException("quality.sources.exclude: no source '" + name.strip()
                            + "'; known: " + sources.keySet());
                }
            }
            recommender = new LuceneRecommender(index, events);
            recommender.activate(config);
            for (Map.Entry<String, CandidateSource> s : sources.entrySet()) {
                activate(s.getValue(), config, s.getKey());
                recommender.addSource(s.getValue(), Map.of(ServiceProperties.PROVIDER, s.getKey()));
            }
            System.out.printf(Locale.ROOT, "%npipeline: %d items indexed, %d behaviour vectors published, sources %s, "
                    + "head of %d, in %.1f s%n", index.size(), trainVectors.users().size(), sources.keySet(), depth,
                    (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new IllegalStateException("pipeline folder " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the pipeline", e);
        }
    }

    /** Sources take their settings as SCR hands them over: an activate method with the index's configuration. */
    private static void activate(CandidateSource source, ItemIndex.Config config, String name) {
        try {
            source.getClass().getMethod("activate", ItemIndex.Config.class).invoke(source, config);
        } catch (NoSuchMethodException e) {
            // A source without settings.
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("activate " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> candidates(String user) {
        long t = System.nanoTime();
        // Already-bought items stay in: repeat orders are most of this shop and count in the evaluation.
        List<RecommendedItem> head = recommender.recommend(new RecommendationRequest(user, depth,
                new ItemFilter(null, Set.of(), false, false))).items();
        nanos += System.nanoTime() - t;
        requests++;
        return head.stream().map(RecommendedItem::itemId).toList();
    }

    /** Mean time of a candidate request in milliseconds (a loaded machine: indicative only). */
    double meanMillis() {
        return requests == 0 ? Double.NaN : nanos / 1e6 / requests;
    }

    int depth() {
        return depth;
    }

    @Override
    public void close() {
        if (counters != null) {
            counters.deactivate();
        }
        if (index != null) {
            index.deactivate();
        }
    }

    /** An {@link ItemIndex.Config} from the annotation defaults and overrides by property name (dots). */
    private static ItemIndex.Config config(Map<String, Object> overrides) {
        Map<String, Object> copy = Map.copyOf(overrides);
        return (ItemIndex.Config) Proxy.newProxyInstance(ItemIndex.Config.class.getClassLoader(),
                new Class<?>[] {ItemIndex.Config.class}, (proxy, method, args) -> {
                    String property = method.getName().replace('_', '.');
                    return copy.containsKey(property) ? copy.get(property) : method.getDefaultValue();
                });
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
