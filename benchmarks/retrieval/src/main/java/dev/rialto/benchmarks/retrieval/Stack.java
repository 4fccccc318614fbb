package dev.rialto.benchmarks.retrieval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.retrieval.CandidateSource;
import dev.rialto.benchmarks.support.MemoryEvents;
import dev.rialto.benchmarks.support.MemoryItems;
import dev.rialto.retrieval.lucene.internal.behaviour.BehaviourFile;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.recommend.LuceneRecommender;
import dev.rialto.retrieval.lucene.internal.sources.BehaviourCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.CoVisitationCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.NewArrivalsCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularInCategorySource;
import dev.rialto.retrieval.lucene.internal.sources.PopularityCounters;
import dev.rialto.retrieval.lucene.internal.sources.SemanticCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TextCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TrendingCandidateSource;

/** The bundle's components wired by hand, as SCR wires them: index, counters, the eight sources, the recommender. */
final class Stack implements AutoCloseable {

    final ItemIndex index;
    final List<Item> items;
    final PopularityCounters counters;
    final Map<String, CandidateSource> sources = new LinkedHashMap<>();
    final LuceneRecommender recommender;
    final ItemIndex.Config config;

    /**
     * The synthetic shop's stack under {@code work/name}: its events loaded, its behaviour vectors published before
     * the index opens (so that the first build writes them too), text vectors of 384 dims.
     */
    static Stack synthetic(Path work, String name, Synthetic shop, int eventsPerUser, Map<String, Object> overrides)
            throws IOException, InterruptedException {
        MemoryEvents events = new MemoryEvents();
        events.append(shop.events(eventsPerUser));
        events.seal();
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        new BehaviourFile(dir.resolve("behaviour")).write(shop.behaviour(64, 0.8));
        return new Stack(dir, shop.items, events, new Synthetic.WordEmbedder(384), overrides);
    }

    Stack(Path dir, List<Item> items, MemoryEvents events, TextEmbedder embedder, Map<String, Object> overrides)
            throws InterruptedException {
        this.items = items;
        Map<String, Object> all = new LinkedHashMap<>(overrides);
        all.put("index.dir", dir.resolve("index").toString());
        all.put("behaviour.dir", dir.resolve("behaviour").toString());
        all.putIfAbsent("popular.refresh.ms", 0);
        all.putIfAbsent("rebuild.batch.size", 2000);
        all.putIfAbsent("ram.buffer.mb", 256);
        all.putIfAbsent("refresh.interval.ms", 60_000);
        config = Configs.of(all);
        index = new ItemIndex(new MemoryItems(items));
        if (embedder != null) {
            index.addEmbedder(embedder);
        }
        long start = System.nanoTime();
        index.activate(config);
        if (!index.awaitRebuild(3_600_000) || !index.awaitVectors(3_600_000)) {
            throw new IllegalStateException("index not built in time");
        }
        System.out.printf("index: %d items ready in %.1f s, %s%n", index.size(), (System.nanoTime() - start) / 1e9,
                index.status(false).segments() + " segments");
        counters = new PopularityCounters(events);
        counters.activate(config);
        if (!counters.awaitLoaded(600_000)) {
            throw new IllegalStateException("popularity not loaded");
        }
        add(new TextCandidateSource(index, events), TextCandidateSource.NAME);
        add(new SemanticCandidateSource(index, events), SemanticCandidateSource.NAME);
        add(new BehaviourCandidateSource(index, events), BehaviourCandidateSource.NAME);
        add(new PopularCandidateSource(counters, index, events), PopularCandidateSource.NAME);
        add(new PopularInCategorySource(counters, index, events), PopularInCategorySource.NAME);
        add(new CoVisitationCandidateSource(counters, index, events), CoVisitationCandidateSource.NAME);
        add(new TrendingCandidateSource(counters, index, events), TrendingCandidateSource.NAME);
        add(new NewArrivalsCandidateSource(index, events), NewArrivalsCandidateSource.NAME);
        recommender = new LuceneRecommender(index, events);
        recommender.activate(config);
        sources.forEach((name, s) -> recommender.addSource(s, Map.of(ServiceProperties.PROVIDER, name)));
    }

    private void add(CandidateSource source, String name) {
        try {
            source.getClass().getMethod("activate", ItemIndex.Config.class).invoke(source, config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("activate " + name, e);
        }
        sources.put(name, source);
    }

    @Override
    public void close() {
        counters.deactivate();
        index.deactivate();
    }
}
