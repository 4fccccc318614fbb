package dev.rialto.retrieval.lucene.internal.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.sources.CoVisitationCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.NewArrivalsCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.PopularInCategorySource;
import dev.rialto.retrieval.lucene.internal.sources.PopularityCounters;
import dev.rialto.retrieval.lucene.internal.sources.SemanticCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TextCandidateSource;
import dev.rialto.retrieval.lucene.internal.sources.TrendingCandidateSource;

/** The bundle's components wired by hand over fakes, on a generated catalogue. */
public final class Fixture implements AutoCloseable {

    public static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");

    public final List<Item> items;
    public final FakeItemRepository itemRepo;
    public final FakeEventRepository eventRepo = new FakeEventRepository();
    public final ItemIndex index;
    public final ItemIndex.Config config;
    private final AtomicInteger eventIds = new AtomicInteger();
    private PopularityCounters counters;

    public Fixture(Path dir, int n) throws InterruptedException {
        this(dir, n, TestConfig.defaults());
    }

    public Fixture(Path dir, int n, TestConfig config, TextEmbedder... embedders) throws InterruptedException {
        this(dir, Catalogue.generate(n), config, embedders);
    }

    /** Embedders are bound before activation, as SCR does with dynamic references. */
    public Fixture(Path dir, List<Item> catalogue, TestConfig config, TextEmbedder... embedders)
            throws InterruptedException {
        items = catalogue;
        int n = catalogue.size();
        itemRepo = new FakeItemRepository(items);
        this.config = config.set("index.dir", dir.toString()).set("popular.refresh.ms", 0).build();
        index = new ItemIndex(itemRepo);
        for (TextEmbedder e : embedders) {
            index.addEmbedder(e);
        }
        index.activate(this.config);
        assertTrue(index.awaitRebuild(30_000), "rebuild finished");
        assertEquals(n, index.size());
    }

    public Event event(EventType type, String user, String item, Instant at) {
        Event e = new Event("e" + eventIds.incrementAndGet(), type, user, item, 1, at);
        eventRepo.append(List.of(e));
        return e;
    }

    public TextCandidateSource text() {
        TextCandidateSource s = new TextCandidateSource(index, eventRepo);
        s.activate(config);
        return s;
    }

    public SemanticCandidateSource semantic() {
        SemanticCandidateSource s = new SemanticCandidateSource(index, eventRepo);
        s.activate(config);
        return s;
    }

    /** Counters loaded from the events stored so far. */
    public PopularityCounters counters() throws InterruptedException {
        if (counters == null) {
            counters = new PopularityCounters(eventRepo);
            counters.activate(config);
            assertTrue(counters.awaitLoaded(10_000), "popularity loaded");
        }
        return counters;
    }

    public PopularCandidateSource popular() throws InterruptedException {
        PopularCandidateSource s = new PopularCandidateSource(counters(), index, eventRepo);
        s.activate(config);
        return s;
    }

    public PopularInCategorySource popularInCategory() throws InterruptedException {
        PopularInCategorySource s = new PopularInCategorySource(counters(), index, eventRepo);
        s.activate(config);
        return s;
    }

    public CoVisitationCandidateSource coVisitation() throws InterruptedException {
        CoVisitationCandidateSource s = new CoVisitationCandidateSource(counters(), index, eventRepo);
        s.activate(config);
        return s;
    }

    public TrendingCandidateSource trending() throws InterruptedException {
        TrendingCandidateSource s = new TrendingCandidateSource(counters(), index, eventRepo);
        s.activate(config);
        return s;
    }

    public NewArrivalsCandidateSource newArrivals() {
        NewArrivalsCandidateSource s = new NewArrivalsCandidateSource(index, eventRepo);
        s.activate(config);
        return s;
    }

    @Override
    public void close() {
        if (counters != null) {
            counters.deactivate();
        }
        index.deactivate();
    }
}
