package dev.rialto.retrieval.lucene.internal.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleDocValuesField;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TermStates;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.BulkScorer;
import org.apache.lucene.search.CollectionTerminatedException;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopScoreDocCollector;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.NumericUtils;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemChangeListener;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.Require;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.retrieval.BehaviourVectorReader;
import dev.rialto.api.retrieval.BehaviourVectorSink;
import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.IndexAdmin;
import dev.rialto.api.retrieval.IndexStatus;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.behaviour.BehaviourFile;
import dev.rialto.retrieval.lucene.internal.behaviour.BehaviourModel;
import dev.rialto.retrieval.lucene.internal.common.RateLimitedLog;
import dev.rialto.retrieval.lucene.internal.common.Settings;

/**
 * The item index: one IndexWriter, near-real-time searchers, fed by the store's change feed. Every component of
 * this bundle shares the one configuration PID described by {@link Config}.
 */
@Component(service = {ItemIndex.class, ItemChangeListener.class, IndexAdmin.class, BehaviourVectorSink.class,
        BehaviourVectorReader.class}, configurationPid = ItemIndex.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = ItemIndex.Config.class)
public final class ItemIndex implements ItemChangeListener, IndexAdmin, BehaviourVectorSink, BehaviourVectorReader {

    public static final String PID = "dev.rialto.retrieval.lucene";

    public static final String F_ID = "id";
    public static final String F_TITLE = "title";
    public static final String F_DESCRIPTION = "description";
    /** Analysed category path, for text search. */
    public static final String F_CATEGORY = "category";
    /** The category path verbatim, stored; prefix filters run on it. */
    public static final String F_CATEGORY_KEY = "category_key";
    /** The top-level category verbatim. */
    public static final String F_TOP_CATEGORY = "category_top";
    public static final String F_AVAILABLE = "available";
    public static final String F_PRICE = "price";
    /** The title as doc values: lookups read doc values, which need no block decompression. */
    public static final String F_TITLE_DV = "title_dv";
    /** The model whose vector the item has (keyword and doc values); absent when it has none. */
    public static final String F_VEC_MODEL = "vec_model";
    /**
     * When the item was first indexed (epoch millis; doc values and stored); kept when the item is updated, so
     * new-arrivals can sort on it.
     */
    public static final String F_FIRST_SEEN = "first_seen";
    /** Prefix of the vector field of each model: {@code vec_minilm}, {@code vec_bge-small-zh}. */
    public static final String VEC_PREFIX = "vec_";
    /** Suffix of the text fields of Chinese items, analysed by smartcn: {@code title_zh}, ... */
    public static final String ZH_SUFFIX = "_zh";
    public static final String F_TITLE_ZH = F_TITLE + ZH_SUFFIX;
    public static final String F_DESCRIPTION_ZH = F_DESCRIPTION + ZH_SUFFIX;
    public static final String F_CATEGORY_ZH = F_CATEGORY + ZH_SUFFIX;
    /** The primary language subtag whose items go to the Chinese fields. */
    public static final String CHINESE = "zh";
    /** The brand key ({@link ItemFilter#brandKey}), for brand filters. */
    public static final String F_BRAND = "brand";
    /** The brand as given, as doc values. */
    public static final String F_BRAND_DV = "brand_dv";
    /** The primary language subtag (keyword and doc values). */
    public static final String F_LANGUAGE = "lang";
    /** The behaviour model ({@code model@version}) whose vector the item has; absent when it has none. */
    public static final String F_BVEC_MODEL = "bvec_model";

    private static final Logger LOG = LoggerFactory.getLogger(ItemIndex.class);

    @ObjectClassDefinition(name = "Rialto Lucene retrieval",
            description = "Item index, candidate sources (text, semantic, popular, popular-in-category, co-visitation, "
                    + "trending, new-arrivals) and the recommender.")
    public @interface Config {
        @AttributeDefinition(name = "Index directory", required = false,
                description = "Where the Lucene index lives. Empty: ${karaf.data}/rialto/index.")
        String index_dir() default "";

        @AttributeDefinition(name = "Refresh interval (ms)", description = "How often searchers are refreshed.")
        int refresh_interval_ms() default 1000;

        @AttributeDefinition(name = "Commit interval (s)", description = "How often pending changes are committed.")
        int commit_interval_s() default 30;

        @AttributeDefinition(name = "RAM buffer (MB)", description = "IndexWriter RAM buffer.")
        int ram_buffer_mb() default 32;

        @AttributeDefinition(name = "Rebuild batch size",
                description = "Items per batch when the empty index is rebuilt from the store.")
        int rebuild_batch_size() default 1000;

        @AttributeDefinition(name = "Segments after a rebuild",
                description = "A completed rebuild merges the index down to at most this many segments (0 = leave "
                        + "it to the merge policy): a batch-fed index has dozens, and every kNN search walks each "
                        + "segment's graph.")
        int rebuild_merge_segments() default 1;

        @AttributeDefinition(name = "Text field boosts",
                description = "Fields searched for query text, with their boosts.")
        String text_boosts() default "title=2.0,category=1.5,description=1.0";

        @AttributeDefinition(name = "History size", description = "Recent events of a user read for history "
                + "queries and top categories.")
        int history_size() default 50;

        @AttributeDefinition(name = "History weights", description = "Weight of each event type in the history query.")
        String history_weights() default "view=1,click=1,add_to_cart=3,purchase=5,rating=2";

        @AttributeDefinition(name = "History half-life (days)",
                description = "Recency decay of history events, relative to the user's newest event.")
        double history_half_life_days() default 14;

        @AttributeDefinition(name = "History terms", description = "Most terms in a history query.")
        int history_max_terms() default 10;

        @AttributeDefinition(name = "Exclude seen items from history query",
                description = "The text source proposes items like the history, not the history itself.")
        boolean history_exclude_seen() default true;

        @AttributeDefinition(name = "Purchase lookback",
                description = "Recent events read to find the purchases that excludePurchased leaves out.")
        int purchases_lookback() default 1000;

        @AttributeDefinition(name = "Popularity weights", description = "Weight of each event type in popularity.")
        String popular_weights() default "view=1,add_to_cart=3,purchase=5";

        @AttributeDefinition(name = "Popularity half-life (days)")
        double popular_half_life_days() default 7;

        @AttributeDefinition(name = "Popularity window (days)",
                description = "Events older than this before the newest event are not loaded at start.")
        int popular_window_days() default 90;

        @AttributeDefinition(name = "Popularity ranking refresh (ms)",
                description = "The sorted popularity list is rebuilt at most this often.")
        int popular_refresh_ms() default 1000;

        @AttributeDefinition(name = "Top categories",
                description = "How many of the user's top categories popular-in-category uses.")
        int popular_category_top() default 3;

        @AttributeDefinition(name = "Co-visitation weights",
                description = "Weight of each event type in co-visitation; a pair counts the weaker of its two.")
        String covisit_weights() default "view=1,click=1,add_to_cart=3,purchase=5";

        @AttributeDefinition(name = "Co-visitation session (minutes)",
                description = "Events of one user this close in time count as visited together.")
        int covisit_session_minutes() default 30;

        @AttributeDefinition(name = "Co-visitation half-life (days)")
        double covisit_half_life_days() default 30;

        @AttributeDefinition(name = "Co-visitation neighbours",
                description = "Neighbours kept per item (the strongest), bounding memory.")
        int covisit_neighbours() default 50;

        @AttributeDefinition(name = "Co-visitation seeds",
                description = "How many of the user's recent items the co-visitation source starts from.")
        int covisit_seeds() default 10;

        @AttributeDefinition(name = "Co-visitation excludes seen items",
                description = "The co-visitation source leaves out the user's recent items themselves.")
        boolean covisit_exclude_seen() default true;

        @AttributeDefinition(name = "Trending window (days)",
                description = "Half-life of the short-term popularity that trending compares with the baseline.")
        double trending_window_days() default 3;

        @AttributeDefinition(name = "Trending baseline (days)",
                description = "Half-life of the long-term popularity that trending compares against.")
        double trending_baseline_days() default 30;

        @AttributeDefinition(name = "Trending smoothing",
                description = "Pseudo-count added to both rates, so that items with few events do not win.")
        double trending_smoothing() default 5;

        @AttributeDefinition(name = "New arrivals by category",
                description = "For users with history, new arrivals come from their top categories first.")
        boolean new_arrivals_by_category() default true;

        @AttributeDefinition(name = "Behaviour directory", required = false,
                description = "Where published behaviour vectors are kept. Empty: ${karaf.data}/rialto/behaviour.")
        String behaviour_dir() default "";

        @AttributeDefinition(name = "Behaviour fold-in alpha",
                description = "Confidence slope of the iALS fold-in of users not in the published set, for a "
                        + "publication that does not carry its own confidence: an item of history weight w counts "
                        + "with confidence 1 + alpha * w.")
        double behaviour_alpha() default 10;

        @AttributeDefinition(name = "Behaviour excludes seen items",
                description = "The behaviour source leaves out the user's recent items themselves.")
        boolean behaviour_exclude_seen() default false;

        @AttributeDefinition(name = "Candidates per source")
        int candidates_per_source() default 200;

        @AttributeDefinition(name = "Source weights",
                description = "RRF weight per source name; unlisted sources weigh 1.0.")
        String source_weights() default "text=0.2,semantic=0.2,popular=1.0,popular-in-category=0.5,"
                + "co-visitation=0.5,trending=0.3,new-arrivals=0.1,behaviour=2.0";

        @AttributeDefinition(name = "Source quotas", required = false,
                description = "Most candidates taken from a source before fusion, e.g. popular=50,trending=20; "
                        + "unlisted sources give candidates.per.source.")
        String source_quotas() default "behaviour=500,popular=500,text=100,semantic=100";

        @AttributeDefinition(name = "kNN exact share",
                description = "A kNN search whose filter keeps at most this share of the items with vectors scores "
                        + "the kept items exactly instead of walking the HNSW graph (0 = never).")
        double knn_exact_share() default 0.15;

        @AttributeDefinition(name = "kNN oversampling limit",
                description = "A broader filter asks the graph for k / share^2 neighbours, at most this many times "
                        + "k, and keeps the best k: HNSW recall falls when a filter rejects many neighbours.")
        int knn_oversample_max() default 8;

        @AttributeDefinition(name = "int8 text vectors",
                description = "Write the text-embedding vector fields in Lucene's int8 scalar-quantized HNSW format "
                        + "(a quarter of the memory for the graph walk; the full vectors stay on disk for "
                        + "re-scoring). Applies to segments written after the change; index-rebuild rewrites all.")
        boolean vectors_int8() default false;

        @AttributeDefinition(name = "kNN re-scoring factor",
                description = "A walk over int8 vectors is asked for this many times k neighbours, scored again "
                        + "with the full vectors; the best k are kept.")
        int knn_rescore() default 1;

        @AttributeDefinition(name = "Search candidates",
                description = "Candidates each source (text, semantic) gives the hybrid search before fusion.")
        int search_candidates() default 100;

        @AttributeDefinition(name = "Source cache (users)",
                description = "Users whose last list each personal index source (text, semantic, behaviour) keeps, "
                        + "served again only while the user's history, the index and the model are unchanged "
                        + "(least recently used first out; 0 = none). About 2-6 KB a user and source.")
        int source_cache_users() default 2000;

        @AttributeDefinition(name = "Small vector fields: most items",
                description = "A vector field of at most this many items is kept on the heap, transposed, per "
                        + "searcher: its kNN is then exact and several times cheaper than a scan, and used where a "
                        + "graph walk would visit a large part of it; for users' history means, the similarity "
                        + "rows of their items are kept too. 0 = never.")
        int knn_small_max_items() default 10_000;

        @AttributeDefinition(name = "Small vector fields: memory (MB)",
                description = "Most memory one small field's vectors and similarity rows may take; a field whose "
                        + "vectors do not fit is searched as usual, rows beyond it are not kept.")
        int knn_small_cache_mb() default 32;

        @AttributeDefinition(name = "Vectors and graphs on the heap for walks (MB)",
                description = "Most heap the segments' float vectors and level 0 of their HNSW graphs may take, "
                        + "copied by the warm-up after a refresh (largest segments first) so that HNSW walks score "
                        + "them without reading the index file; same answers. At most a quarter of the maximum heap "
                        + "is used. 0 = none. About 1.6 KB an item at 384 dims, 0.4 KB at 64 dims.")
        int knn_heap_mb() default 256;

        @AttributeDefinition(name = "Small text index: most items",
                description = "On an index of at most this many documents, each queried term's BM25 score in "
                        + "every document is kept per searcher, and a disjunction of boosted terms (the text "
                        + "source's history query) is the boosted sum of the kept lists. 0 = never.")
        int text_small_max_items() default 10_000;

        @AttributeDefinition(name = "Small text index: memory (MB)",
                description = "Most memory the kept term scores of one searcher may take (8 bytes a posting); "
                        + "queries with terms beyond it are scored by Lucene.")
        int text_small_cache_mb() default 32;

        @AttributeDefinition(name = "RRF k", description = "The k of reciprocal rank fusion: weight / (k + rank).")
        int rrf_k() default 60;

        @AttributeDefinition(name = "Rerank depth", description = "How many fused candidates the scorer sees.")
        int rerank_depth() default 300;

        @AttributeDefinition(name = "Scorer filter", description = "Which InterestScorer service to use (LDAP filter).")
        String scorer_target() default "(&(rialto.provider=*)(!(rialto.provider=ads)))";
    }

    private final ItemRepository repository;
    private final Analyzer analyzer = newAnalyzer();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong indexed = new AtomicLong();

    private Directory directory;
    private IndexWriter writer;
    private volatile SearcherManager searchers;
    private ScheduledExecutorService timer;
    private volatile Thread rebuilder;
    private int batchSize;
    private volatile int mergeSegments = 1;
    /** Bound embedders by model name; sorted so that the choice among embedders of one language is stable. */
    private final Map<String, TextEmbedder> embedders = new ConcurrentHashMap<>();
    /** Embeds in the background: vectors of fed items, and of the whole store when an embedder appears. */
    private volatile ExecutorService vectorWorker;
    /** Vector batches queued or running on the vector worker. */
    private final java.util.concurrent.atomic.AtomicInteger pendingVectors = new java.util.concurrent.atomic.AtomicInteger();
    /** Documents written since the last merge was started: a bulk load through the feed is merged once it ends. */
    private final java.util.concurrent.atomic.AtomicLong writtenSinceMerge = new java.util.concurrent.atomic.AtomicLong();

    /** Fewest documents written through the feed (and at least a tenth of the index) that count as a bulk load. */
    static final int BULK_MERGE_MIN = 1_000;
    private volatile boolean open;
    private final RateLimitedLog embedWarnings = new RateLimitedLog(LOG, 60_000);
    /** First-seen times written since the last refresh: a searcher cannot see them yet. */
    private final Map<String, Long> unrefreshedFirstSeen = new ConcurrentHashMap<>();
    /**
     * Looked-up items by id: sources look the same popular items up on every request. An entry is dropped when its
     * item is written or deleted, and only cached from a read during which nothing was written or refreshed, of an
     * id with no write pending a refresh ({@link #dirty}), so it never outlives the document it was read from.
     */
    private final Map<String, IndexedItem> itemCache = new ConcurrentHashMap<>();
    /** Ids written or deleted since the last completed refresh. */
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    /** Changes on every write and delete, and when a refresh publishes new content (the caches' race guard). */
    private final AtomicLong cacheEpoch = new AtomicLong();
    /** Moves when searches see a new reader: {@link #epoch()}. */
    private final AtomicLong searchEpoch = new AtomicLong();
    /** Most items the cache holds (about 200 bytes each); beyond that, lookups read the index. */
    static final int ITEM_CACHE_MAX = 500_000;
    /**
     * Text vectors by item id, kept like {@link #itemCache} (same invalidation): the semantic source averages the
     * vectors of each user's recent items, and reading them from the index (an id query, then a random read per
     * item) was 7% of a campaign's CPU. Bounded because a vector is 1.5 KB at 384 dimensions.
     */
    private final Map<String, ItemVector> vectorCache = new ConcurrentHashMap<>();
    static final int VECTOR_CACHE_MAX = 20_000;
    private volatile Clock clock = Clock.systemUTC();
    /** The running rebuild, null when none runs: at most one at a time. */
    private final AtomicReference<RebuildState> rebuilding = new AtomicReference<>();
    /** Serialises document writes with the removal of stale documents at the end of a rebuild. */
    private final Object writeLock = new Object();
    private volatile Instant lastCommit;
    /** The published behaviour vectors in use; null when none were published. */
    private volatile BehaviourModel behaviour;
    private BehaviourFile behaviourFile;
    /** One publication at a time. */
    private final Object publishLock = new Object();
    private volatile Instant lastUpdate;
    /** The documents of the filters requests ask, per searcher. */
    private final FilterBits filterBits = new FilterBits();
    private volatile double knnExactShare = 0.15;
    private volatile int knnOversampleMax = 8;
    private volatile int knnRescore = FilteredKnn.DEFAULT_RESCORE;
    /** Segments' vectors on the heap for the graph walks (knn.heap.mb). */
    private final HeapVectorCache heapVectors = new HeapVectorCache(0);
    private volatile int smallMaxItems = 10_000;
    private volatile long smallBudget = 32L << 20;
    /** The small vector fields of the current (and the next) reader, by field (empty: the field does not qualify). */
    private final ReaderSlots<Map<String, Optional<SmallVectorField>>> smallFields = new ReaderSlots<>();
    /** One build of a field at a time (a second caller waits for it instead of building it again). */
    private final Object smallFieldsLock = new Object();
    /** kNN answered from similarity rows, from columns, and by Lucene's walk or scan (tests and benchmarks). */
    private final LongAdder rowsAnswers = new LongAdder();
    private final LongAdder columnAnswers = new LongAdder();
    private final LongAdder luceneAnswers = new LongAdder();
    private final LongAdder smallFieldBuilds = new LongAdder();

    private volatile int textSmallMaxItems = 10_000;
    private volatile long textSmallPostings = 4L << 20;
    private final LongAdder keptTermAnswers = new LongAdder();
    private final LongAdder luceneTermAnswers = new LongAdder();

    /** Most missing similarity rows one call computes (each costs one pass over the columns). */
    static final int ROWS_PER_CALL = 2;
    /**
     * How many graph visits one pass over a small field's columns is worth per item: a visit is a scalar dot product
     * and a neighbour list read, a column pass a vectorised multiply-add (about 5x cheaper per item measured on Java
     * 17, and the walk also reads its graph).
     */
    static final double COLUMN_SPEEDUP = 5;

    /** Commit user data key: when the commit was made (epoch millis). */
    static final String COMMIT_TIME = "rialto.commit.time";

    @Activate
    public ItemIndex(@Reference(name = "repository") ItemRepository repository) {
        this.repository = repository;
    }

    @Activate
    public void activate(Config config) {
        Path dir = Settings.dataDir(config.index_dir(), "rialto/index", "index.dir");
        int refreshMs = Settings.positive(config.refresh_interval_ms(), "refresh.interval.ms");
        int commitS = Settings.positive(config.commit_interval_s(), "commit.interval.s");
        int ramMb = Settings.positive(config.ram_buffer_mb(), "ram.buffer.mb");
        batchSize = Settings.positive(config.rebuild_batch_size(), "rebuild.batch.size");
        mergeSegments = config.rebuild_merge_segments();
        if (mergeSegments < 0) {
            throw new IllegalArgumentException("rebuild.merge.segments must not be negative, was " + mergeSegments);
        }
        behaviourFile = new BehaviourFile(Settings.dataDir(config.behaviour_dir(), "rialto/behaviour",
                "behaviour.dir"));
        loadBehaviour();
        closing.set(false);
        boolean int8 = config.vectors_int8();
        withBundleLoader(() -> {
            open(dir, ramMb, int8);
            return null;
        });
        double exactShare = config.knn_exact_share();
        if (!(exactShare >= 0 && exactShare <= 1)) {
            throw new IllegalArgumentException("knn.exact.share must be between 0 and 1, was " + exactShare);
        }
        knnExactShare = exactShare;
        knnOversampleMax = Settings.positive(config.knn_oversample_max(), "knn.oversample.max");
        knnRescore = Settings.positive(config.knn_rescore(), "knn.rescore");
        if (config.knn_small_max_items() < 0 || config.knn_small_cache_mb() < 0) {
            throw new IllegalArgumentException("knn.small.max.items and knn.small.cache.mb must not be negative, were "
                    + config.knn_small_max_items() + " and " + config.knn_small_cache_mb());
        }
        if (config.knn_heap_mb() < 0) {
            throw new IllegalArgumentException("knn.heap.mb must not be negative, was " + config.knn_heap_mb());
        }
        heapVectors.budget(HeapVectorCache.budgetOf(config.knn_heap_mb()));
        smallMaxItems = config.knn_small_max_items();
        smallBudget = (long) config.knn_small_cache_mb() << 20;
        smallFields.clear();
        if (config.text_small_max_items() < 0 || config.text_small_cache_mb() < 0) {
            throw new IllegalArgumentException("text.small.max.items and text.small.cache.mb must not be negative, "
                    + "were " + config.text_small_max_items() + " and " + config.text_small_cache_mb());
        }
        textSmallMaxItems = config.text_small_max_items();
        textSmallPostings = ((long) config.text_small_cache_mb() << 20) / 8; // a doc id and a score each
        int docs = size();
        LOG.info("Item index opened at {} with {} items, codec={}", dir, docs, writer.getConfig().getCodec().getName());

        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rialto-index-refresh");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refreshQuietly, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::commitQuietly, commitS, commitS, TimeUnit.SECONDS);
        vectorWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rialto-index-vectors");
            t.setDaemon(true);
            return t;
        });
        warmer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rialto-index-warm");
            t.setDaemon(true);
            return t;
        });
        open = true;
        // The per-reader structures and the item cache, before the first request rather than during it.
        scheduleWarm();

        if (docs == 0) {
            // count() and the rebuild hit the database: keep both off the activation thread.
            rebuilder = new Thread(this::rebuildIfStoreHasItems, "rialto-index-rebuild");
            rebuilder.setDaemon(true);
            rebuilder.start();
        } else {
            // Items indexed while an embedder was missing get their vectors now.
            embedders.values().forEach(this::scheduleEmbedMissing);
        }
    }

    @Deactivate
    public void deactivate() {
        closing.set(true);
        open = false;
        if (timer != null) {
            timer.shutdownNow();
        }
        ExecutorService warm = warmer;
        if (warm != null) {
            warm.shutdownNow();
        }
        ExecutorService worker = vectorWorker;
        if (worker != null) {
            worker.shutdownNow();
            try {
                worker.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (rebuilder != null) {
            try {
                rebuilder.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (searchers != null) {
                searchers.close();
            }
            if (writer != null) {
                commit();
                writer.close();
            }
            if (directory != null) {
                directory.close();
            }
            LOG.info("Item index closed");
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing the item index failed", e);
        }
    }

    /**
     * English analysis for the text fields, smartcn (word segmentation, no stemming) for their {@code _zh}
     * counterparts, which hold the text of Chinese items. smartcn reads its dictionaries from its own jar, which is
     * embedded whole, so they load in OSGi too.
     */
    static Analyzer newAnalyzer() {
        Analyzer chinese = new SmartChineseAnalyzer();
        return new PerFieldAnalyzerWrapper(new EnglishAnalyzer(),
                Map.of(F_TITLE_ZH, chinese, F_DESCRIPTION_ZH, chinese, F_CATEGORY_ZH, chinese));
    }

    /** The text field for an item of this language: {@code base}, or {@code base_zh} for Chinese. */
    public static String textField(String base, String language) {
        return CHINESE.equals(primaryLanguage(language)) ? base + ZH_SUFFIX : base;
    }

    private void loadBehaviour() {
        try {
            Optional<BehaviourVectors> stored = behaviourFile.read();
            behaviour = stored.map(BehaviourModel::new).orElse(null);
            stored.ifPresent(v -> LOG.info("Behaviour vectors {}@{} loaded: {} items, {} users, {} dims", v.model(),
                    v.version(), v.items().size(), v.users().size(), v.dimension()));
        } catch (IOException | RuntimeException e) {
            // The other sources keep working; the next publication replaces the file.
            behaviour = null;
            LOG.error("Cannot read the behaviour vectors at {}; the behaviour source stays empty until the next "
                    + "publication", behaviourFile.path(), e);
        }
    }

    private void open(Path dir, int ramMb, boolean int8) {
        try {
            Files.createDirectories(dir);
            directory = FSDirectory.open(dir);
            IndexWriterConfig iwc = new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setSimilarity(new BM25Similarity())
                    .setRAMBufferSizeMB(ramMb);
            if (int8) {
                iwc.setCodec(int8TextVectors());
            }
            writer = new IndexWriter(directory, iwc);
            searchers = new SearcherManager(writer, true, false, new SearcherFactory() {
                @Override
                public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) throws IOException {
                    IndexSearcher searcher = super.newSearcher(reader, previous);
                    if (previous != null) {
                        // A refresh: requests go on with the current searcher until this one is warm. The first
                        // open is warmed in the background instead (activation must not wait seconds for it).
                        warmBeforePublishing(searcher);
                    }
                    return searcher;
                }
            });
            searchers.addListener(new ReferenceManager.RefreshListener() {
                @Override
                public void beforeRefresh() {
                }

                @Override
                public void afterRefresh(boolean didRefresh) {
                    if (didRefresh) {
                        scheduleWarm();
                    }
                }
            });
            lastCommit = commitTime(writer);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw new RialtoException("Cannot open the item index at " + dir + " (index.dir): " + e.getMessage(), e);
        }
    }

    /**
     * The default codec with the text-embedding fields in int8 scalar-quantized HNSW (same graph parameters); the
     * behaviour field stays float32 (raw iALS dot products, maximum inner product). Each segment records its
     * field's format, so segments of either kind are read whatever this setting.
     */
    private static Codec int8TextVectors() {
        KnnVectorsFormat int8 = new Lucene99HnswScalarQuantizedVectorsFormat();
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return field.startsWith(VEC_PREFIX) ? int8 : super.getKnnVectorsFormatForField(field);
            }
        };
    }

    private void closeQuietly() {
        try {
            if (writer != null) {
                writer.close();
            }
            if (directory != null) {
                directory.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing a half-opened item index failed", e);
        }
        writer = null;
        directory = null;
    }

    /**
     * Lucene finds codecs and postings formats through ServiceLoader; inside OSGi the thread context class loader
     * may be a framework loader that cannot see the embedded jars, so open with the bundle's own loader.
     */
    static <T> T withBundleLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ItemIndex.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void rebuildIfStoreHasItems() {
        try {
            long inStore = repository.count();
            if (inStore > 0 && size() == 0) {
                rebuild();
            }
        } catch (RuntimeException e) {
            if (!closing.get()) {
                LOG.error("Rebuilding the item index from the store failed", e);
            }
        }
    }

    /** Re-indexes every item of the store, in batches, in this thread (see {@link #rebuild(Progress)}). */
    public void rebuild() {
        rebuild(begin(), null);
    }

    /**
     * Re-indexes every item of the store into the live writer, in batches. Safe while serving: each item replaces
     * its own document (first-seen kept), so a search always sees every item, in its old or its new version; a
     * delete-all would show a half-empty index at the next periodic refresh. Documents not written since the
     * rebuild started (by it or by the feed) belong to items no longer in the store and are removed at the end,
     * unless the rebuild was cancelled.
     * <p>
     * The work runs on its own thread and the caller waits: interrupting a thread inside Lucene's file I/O closes
     * the channel and with it the IndexWriter (a Karaf console interrupts its thread on Ctrl-C). The caller's
     * interrupt only sets a flag that the rebuild checks between items.
     */
    @Override
    public RebuildResult rebuild(Progress progress) {
        RebuildState state = begin();
        java.util.concurrent.CompletableFuture<RebuildResult> result = new java.util.concurrent.CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                result.complete(rebuild(state, progress));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "rialto-index-rebuild");
        worker.setDaemon(true);
        rebuilder = worker;
        worker.start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // Cancel, then wait for the batch in progress: the next rebuild may start when this returns.
                    interrupted = true;
                    state.cancelled = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new RialtoException("The item index rebuild failed", e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Merges the index down to at most {@code maxSegments} segments, then refreshes; searches go on meanwhile on the
     * segments they have. Per-segment work (an HNSW walk, a terms seek) is paid once per segment, and a rebuild or
     * a publication leaves dozens of them.
     */
    public void merge(int maxSegments) {
        long start = System.nanoTime();
        writtenSinceMerge.set(0);
        try {
            writer.forceMerge(Math.max(1, maxSegments));
            refreshBlocking();
            LOG.info("Merged the item index to {} segment(s) in {} ms",
                    withSearcher(s -> s.getIndexReader().leaves().size()),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("Merging the item index failed", e);
        }
    }

    /**
     * Waits until the merges running in Lucene's merge threads (the background merge after a rebuild, a load or a
     * publication) are done, then refreshes: benchmarks measure the index a server settles to, not one mid-merge.
     */
    public void awaitMerges() {
        try {
            if (writer.getConfig().getMergeScheduler() instanceof ConcurrentMergeScheduler cms) {
                cms.sync();
            }
            refreshBlocking();
        } catch (RuntimeException e) {
            throw new RialtoException("Waiting for the item index's merges failed: " + e.getMessage(), e);
        }
    }

    /**
     * Starts merging to at most {@code maxSegments} segments in Lucene's merge threads and returns: merging a large
     * index with its HNSW graphs takes minutes (703 s for 100k items with 384 + 64 dims on a busy machine), which
     * neither a rebuild's caller nor a trainer publishing vectors should wait for. The periodic refresh shows the
     * merged segment; closing the index waits for a merge in progress.
     */
    private void mergeInBackground(int maxSegments) {
        writtenSinceMerge.set(0);
        try {
            writer.forceMerge(Math.max(1, maxSegments), false);
            LOG.info("Merging the item index to at most {} segment(s) in the background", maxSegments);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not start merging the item index; it keeps its segments", e);
        }
    }

    private RebuildState begin() {
        if (!open) {
            throw new RialtoException("The item index is not open");
        }
        RebuildState state = new RebuildState(clock.instant());
        if (!rebuilding.compareAndSet(null, state)) {
            throw new IllegalStateException("A rebuild of the item index is already running");
        }
        return state;
    }

    private RebuildResult rebuild(RebuildState state, Progress progress) {
        long start = System.nanoTime();
        try {
            state.total = repository.count();
            LOG.info("Rebuilding the item index from the store ({} items)", state.total);
            List<Item> batch = new ArrayList<>(batchSize);
            repository.forEach(item -> {
                if (closing.get()) {
                    throw new RebuildCancelled("the index is closing");
                }
                if (state.cancelled || Thread.currentThread().isInterrupted()) {
                    throw new RebuildCancelled("interrupted");
                }
                batch.add(item);
                if (batch.size() >= batchSize) {
                    writeBatch(batch, state, progress);
                    refreshQuietly();
                }
            });
            writeBatch(batch, state, progress);
            refreshBlocking();
            long removed = removeNotWritten(state);
            refreshBlocking();
            if (mergeSegments > 0 && !state.cancelled) {
                mergeInBackground(mergeSegments);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            LOG.info("Rebuilt the item index: {} items, {} stale documents removed, in {} ms", state.done, removed,
                    took.toMillis());
            return new RebuildResult(state.done, removed, took);
        } catch (RebuildCancelled e) {
            LOG.info("Item index rebuild cancelled after {} of {} items: {}", state.done, state.total,
                    e.getMessage());
            throw new RialtoException("The item index rebuild was cancelled (" + e.getMessage() + ") after "
                    + state.done + " of " + state.total + " items", e);
        } finally {
            rebuilding.set(null);
            // The warm-ups during the rebuild left the item cache alone.
            scheduleWarm();
        }
    }

    private void writeBatch(List<Item> batch, RebuildState state, Progress progress) {
        if (batch.isEmpty()) {
            return;
        }
        write(batch);
        state.done += batch.size();
        batch.clear();
        if (progress != null) {
            // The store may have grown since count(): the total is never below what is done.
            progress.update(state.done, Math.max(state.total, state.done));
        }
    }

    /** Deletes the documents that nobody wrote since the rebuild started: their items left the store. */
    private long removeNotWritten(RebuildState state) {
        Set<String> indexIds = indexIds();
        long removed = 0;
        try {
            synchronized (writeLock) {
                for (String id : indexIds) {
                    if (!state.written.contains(id)) {
                        invalidate(id);
                        writer.deleteDocuments(new Term(F_ID, id));
                        removed++;
                    }
                }
                if (removed > 0) {
                    lastUpdate = clock.instant();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Removing stale documents from the item index failed", e);
        }
        return removed;
    }

    /** The ids of the documents a search sees now. */
    Set<String> indexIds() {
        return withSearcher(s -> {
            Set<String> ids = new HashSet<>(s.getIndexReader().numDocs() * 2);
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                LeafReader r = leaf.reader();
                Bits live = r.getLiveDocs();
                SortedDocValues values = DocValues.getSorted(r, F_ID);
                for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                    if (live == null || live.get(doc)) {
                        ids.add(values.lookupOrd(values.ordValue()).utf8ToString());
                    }
                }
            }
            return ids;
        });
    }

    private static final class RebuildState {
        final Instant started;
        /** Ids written since the rebuild started, by the rebuild or by the feed. */
        final Set<String> written = ConcurrentHashMap.newKeySet();
        volatile long total;
        volatile long done;
        volatile boolean cancelled;

        RebuildState(Instant started) {
            this.started = started;
        }
    }

    /** How many ids of each kind the consistency check lists. */
    static final int SAMPLE = 10;

    @Override
    public IndexStatus status(boolean check) {
        long inStore = repository.count();
        Set<String> storeIds = new HashSet<>();
        if (check) {
            repository.forEach(item -> storeIds.add(item.id()));
        }
        Set<String> indexIds = check ? indexIds() : null;
        record Snapshot(long docs, int segments, Map<String, Long> vectors) { }
        Snapshot snap = withSearcher(s -> {
            Set<String> models = new java.util.TreeSet<>();
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                for (FieldInfo info : leaf.reader().getFieldInfos()) {
                    if (info.name.startsWith(VEC_PREFIX) && info.getVectorDimension() > 0) {
                        models.add(info.name.substring(VEC_PREFIX.length()));
                    }
                }
            }
            Map<String, Long> vectors = new LinkedHashMap<>();
            for (String model : models) {
                vectors.put(model, (long) s.count(new TermQuery(new Term(F_VEC_MODEL, model))));
            }
            BehaviourModel b = behaviour;
            if (b != null) {
                vectors.put("behaviour:" + b.label(), (long) s.count(new TermQuery(new Term(F_BVEC_MODEL, b.label()))));
            }
            return new Snapshot(s.getIndexReader().numDocs(), s.getIndexReader().leaves().size(), vectors);
        });
        IndexStatus.Consistency consistency = null;
        if (check) {
            List<String> missing = storeIds.stream().filter(id -> !indexIds.contains(id)).sorted().toList();
            List<String> extra = indexIds.stream().filter(id -> !storeIds.contains(id)).sorted().toList();
            consistency = new IndexStatus.Consistency(missing.size(), extra.size(),
                    missing.subList(0, Math.min(SAMPLE, missing.size())),
                    extra.subList(0, Math.min(SAMPLE, extra.size())));
        }
        RebuildState r = rebuilding.get();
        IndexStatus.RebuildProgress progress = r == null ? null
                : new IndexStatus.RebuildProgress(r.done, Math.max(r.total, r.done), r.started);
        return new IndexStatus(snap.docs(), snap.segments(), inStore, Math.max(0, inStore - snap.docs()),
                consistency, snap.vectors(), lastCommit, lastUpdate, progress);
    }

    /** Commits with the commit time in the commit's user data, so the status can show it after a restart. */
    private void commit() throws IOException {
        Instant now = clock.instant();
        writer.setLiveCommitData(Map.of(COMMIT_TIME, Long.toString(now.toEpochMilli())).entrySet());
        writer.commit();
        lastCommit = now;
    }

    private static Instant commitTime(IndexWriter w) {
        Iterable<Map.Entry<String, String>> data = w.getLiveCommitData();
        if (data != null) {
            for (Map.Entry<String, String> e : data) {
                if (COMMIT_TIME.equals(e.getKey())) {
                    try {
                        return Instant.ofEpochMilli(Long.parseLong(e.getValue()));
                    } catch (NumberFormatException ignored) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static final class RebuildCancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RebuildCancelled() {
            this("the index is closing");
        }

        RebuildCancelled(String why) {
            super(why, null, false, false);
        }
    }

    /** Waits for a running rebuild; true when none runs any more. */
    public boolean awaitRebuild(long millis) throws InterruptedException {
        Thread t = rebuilder;
        if (t != null) {
            t.join(millis);
            return !t.isAlive();
        }
        return true;
    }

    @Override
    public void itemsStored(List<Item> items) {
        if (items == null || items.isEmpty() || closing.get()) {
            return;
        }
        try {
            // Listeners must be quick: the text is searchable now, the vectors follow in the background.
            writeDocuments(items, Map.of());
            refreshBlocking();
        } catch (RuntimeException e) {
            // The store's commit stands; the next rebuild or update repairs the index.
            LOG.error("Indexing {} stored items failed", items.size(), e);
            return;
        }
        ExecutorService worker = vectorWorker;
        if (!embedders.isEmpty() && worker != null) {
            List<Item> copy = List.copyOf(items);
            pendingVectors.incrementAndGet();
            try {
                worker.execute(() -> embedStored(copy));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pendingVectors.decrementAndGet();
                LOG.debug("Index closing; {} items keep no vectors until the next rebuild", copy.size());
            }
        } else {
            mergeAfterBulk();
        }
    }

    private void embedStored(List<Item> items) {
        try {
            if (closing.get()) {
                return;
            }
            Map<String, ItemVector> vectors = embed(items);
            if (!vectors.isEmpty() && !closing.get()) {
                writeDocuments(items, vectors);
                refreshBlocking();
            }
        } catch (RuntimeException e) {
            if (!closing.get()) {
                LOG.error("Embedding {} stored items failed", items.size(), e);
            }
        } finally {
            if (pendingVectors.decrementAndGet() == 0) {
                mergeAfterBulk();
            }
        }
    }

    /**
     * A catalogue loaded through the change feed (a first import, a large file) leaves a segment per batch and per
     * vector batch, and each segment costs every kNN and BM25 search a walk or a seek. Once such a load ends (no
     * vector batch left and no write for {@link #BULK_QUIET_MS}: the vector worker may drain between two batches of
     * the same load), the index is merged in the background as after a rebuild; a trickle of updates is left to
     * Lucene's merge policy.
     */
    private void mergeAfterBulk() {
        ScheduledExecutorService t = timer;
        if (mergeSegments <= 0 || closing.get() || t == null) {
            return;
        }
        try {
            t.schedule(this::mergeIfLoadEnded, BULK_QUIET_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Index closing; no merge after the load");
        }
    }

    /** Quiet time after a load's last write before it counts as ended. */
    static final long BULK_QUIET_MS = 2_000;

    private void mergeIfLoadEnded() {
        try {
            long written = writtenSinceMerge.get();
            long quietNanos = System.nanoTime() - lastFeedWrite;
            if (closing.get() || pendingVectors.get() > 0 || rebuilding.get() != null
                    || quietNanos < TimeUnit.MILLISECONDS.toNanos(BULK_QUIET_MS) - 1_000_000
                    || written < Math.max(BULK_MERGE_MIN, size() / 10L)) {
                return;
            }
            int segments = withSearcher(s -> s.getIndexReader().leaves().size());
            if (segments <= mergeSegments) {
                // Lucene's merge policy already merged the load: nothing to do, and a later trickle is not part of it.
                writtenSinceMerge.compareAndSet(written, 0);
            } else if (writtenSinceMerge.compareAndSet(written, 0)) {
                LOG.info("{} items written through the feed since the last merge, {} segments", written, segments);
                mergeInBackground(mergeSegments);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not merge the item index after a load; it keeps its segments", e);
        }
    }

    /** nanoTime of the last document written (feed, vectors or rebuild). */
    private volatile long lastFeedWrite = System.nanoTime();

    /** Adds or replaces the items (by id), with their vectors, without refreshing searchers. */
    public void write(Collection<Item> items) {
        if (items.isEmpty()) {
            return;
        }
        writeDocuments(items, embed(items));
    }

    private void writeDocuments(Collection<Item> items, Map<String, ItemVector> vectors) {
        if (items.isEmpty()) {
            return;
        }
        try {
            Map<String, Long> known = firstSeen(items.stream().map(Item::id).toList());
            long now = clock.millis();
            writtenSinceMerge.addAndGet(items.size());
            lastFeedWrite = System.nanoTime();
            synchronized (writeLock) {
                RebuildState rebuild = rebuilding.get();
                BehaviourModel model = behaviour;
                for (Item item : items) {
                    long firstSeen = known.getOrDefault(item.id(), now);
                    writer.updateDocument(new Term(F_ID, item.id()),
                            toDocument(item, vectors.get(item.id()), model, firstSeen));
                    unrefreshedFirstSeen.put(item.id(), firstSeen);
                    invalidate(item.id());
                    if (rebuild != null) {
                        rebuild.written.add(item.id());
                    }
                }
                lastUpdate = Instant.ofEpochMilli(now);
            }
            indexed.addAndGet(items.size());
        } catch (IOException e) {
            throw new UncheckedIOException("Indexing items failed", e);
        }
    }

    /** Used by tests to control first-seen times. */
    public void clock(Clock c) {
        clock = c;
    }

    /**
     * The first-seen times of the given items that are indexed, including those written but not yet visible.
     * Items indexed before the field existed have none.
     */
    public Map<String, Long> firstSeen(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        List<BytesRef> terms = new LinkedHashSet<>(ids).stream().map(BytesRef::new).toList();
        withSearcher(s -> {
            ScoreDoc[] docs = s.search(new TermInSetQuery(F_ID, terms), terms.size()).scoreDocs;
            Arrays.sort(docs, Comparator.comparingInt(d -> d.doc));
            List<LeafReaderContext> leaves = s.getIndexReader().leaves();
            LeafReaderContext leaf = null;
            SortedDocValues idValues = null;
            NumericDocValues seen = null;
            for (ScoreDoc sd : docs) {
                if (leaf == null || sd.doc >= leaf.docBase + leaf.reader().maxDoc()) {
                    leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                    idValues = DocValues.getSorted(leaf.reader(), F_ID);
                    seen = DocValues.getNumeric(leaf.reader(), F_FIRST_SEEN);
                }
                int local = sd.doc - leaf.docBase;
                if (idValues.advanceExact(local) && seen.advanceExact(local)) {
                    out.put(idValues.lookupOrd(idValues.ordValue()).utf8ToString(), seen.longValue());
                }
            }
            return null;
        });
        for (String id : ids) {
            Long pending = unrefreshedFirstSeen.get(id);
            if (pending != null) {
                out.put(id, pending);
            }
        }
        return out;
    }

    /**
     * The {@code n} items matching the query that were first indexed most recently, newest first; each hit's
     * score is its first-seen time in epoch millis. Items without a first-seen time come last.
     */
    public List<Hit> newest(Query query, int n) {
        Sort sort = new Sort(firstSeenSort(), new SortField(F_ID, SortField.Type.STRING));
        return withSearcher(s -> {
            TopFieldDocs top = s.search(query, n, sort);
            IndexedItem[] items = read(s, top.scoreDocs);
            List<Hit> hits = new ArrayList<>(items.length);
            for (int i = 0; i < items.length; i++) {
                Object v = ((FieldDoc) top.scoreDocs[i]).fields[0];
                hits.add(new Hit(items[i].id(), v instanceof Long l ? l.doubleValue() : 0));
            }
            return hits;
        });
    }

    /**
     * Every item a search sees, newest first (by first-seen time, then id), with the positions of each top-level
     * category's items in that order. Kept per refreshed reader, so new-arrivals reads a list instead of sorting
     * the catalogue on every request.
     *
     * @param ids           item ids, newest first
     * @param firstSeen     their first-seen times (epoch millis; {@code Long.MIN_VALUE} when unknown)
     * @param byTopCategory per top-level category, the ascending positions of its items in {@code ids}
     * @param topCategory   per position, the item's top-level category ("" without one)
     * @param positions     position by item id
     */
    public record Arrivals(String[] ids, long[] firstSeen, Map<String, int[]> byTopCategory, String[] topCategory,
            Map<String, Integer> positions) {
        static final Arrivals EMPTY = new Arrivals(new String[0], new long[0], Map.of(), new String[0], Map.of());

        /** The item's top-level category, or null when the item is not indexed. */
        public String topCategoryOf(String id) {
            Integer at = positions.get(id);
            return at == null ? null : topCategory[at];
        }
    }

    private final Object arrivalsLock = new Object();
    private final ReaderSlots<Arrivals> arrivals = new ReaderSlots<>();

    private volatile ExecutorService warmer;
    private final AtomicBoolean warmPending = new AtomicBoolean();
    private final List<Consumer<Arrivals>> warmers = new CopyOnWriteArrayList<>();
    private final AtomicLong arrivalsBuilt = new AtomicLong();

    /**
     * Runs {@code task} with the arrival order of every new reader, after the index's own per-reader structures are
     * built and before the reader is published (in the background for the first one): the sources rebuild their
     * kept lists there rather than on the first request after the change (which paid 100-300 ms at 100k items).
     */
    public void addWarmer(Consumer<Arrivals> task) {
        warmers.add(task);
    }

    public void removeWarmer(Consumer<Arrivals> task) {
        warmers.remove(task);
    }

    /** How many times the arrival order was built (tests check that the refresh, not a request, built it). */
    public long arrivalsBuilt() {
        return arrivalsBuilt.get();
    }

    /** Waits until the warm-up after the last refresh finished (tests and benchmarks). */
    public boolean awaitWarm(long millis) throws InterruptedException {
        ExecutorService w = warmer;
        if (w == null) {
            return true;
        }
        try {
            w.submit(() -> { }).get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Caches what a read at {@code epoch} found for {@code id}, unless the id was written since: checked again after
     * the put, because a write may drop the id (dirty first, then removed) between the check and the put, and a
     * refresh may complete (dirty cleared, epoch moved) before the put.
     */
    private <V> boolean cacheRead(Map<String, V> cache, String id, V value, long epoch) {
        if (dirty.contains(id)) {
            return false;
        }
        cache.put(id, value);
        if (dirty.contains(id) || cacheEpoch.get() != epoch) {
            cache.remove(id, value);
            return false;
        }
        return true;
    }

    /** Items in the look-up cache now (tests). */
    int cachedItems() {
        return itemCache.size();
    }

    /**
     * Reads every item the searcher sees into the item cache after the index opens: otherwise each item's first
     * look-up since the start (the head of a recommendation, co-visited neighbours) pays an id query and a
     * doc-values read, a tenth of a new user's recommendation at 100k items. The warm-up calls it while the cache
     * holds fewer than half the items and no rebuild runs, so a growing catalogue is read again at each doubling.
     * Kept only while nothing was written or refreshed since {@code epoch} (as in {@link #lookupEach}: a write stops
     * the fill, the next warm-up goes on); up to {@link #ITEM_CACHE_MAX} items. True when it read every item.
     */
    private boolean fillItemCache(IndexSearcher searcher, long epoch) throws IOException {
        long start = System.nanoTime();
        int kept = 0;
        List<ScoreDoc> step = new ArrayList<>(4096);
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            int maxDoc = leaf.reader().maxDoc();
            for (int doc = 0; doc < maxDoc; doc++) {
                if (live == null || live.get(doc)) {
                    step.add(new ScoreDoc(leaf.docBase + doc, 0f));
                }
                if (step.size() == 4096 || doc == maxDoc - 1 && !step.isEmpty()) {
                    if (closing.get() || itemCache.size() + step.size() > ITEM_CACHE_MAX) {
                        return true;
                    }
                    IndexedItem[] items = read(searcher, step.toArray(new ScoreDoc[0]));
                    step.clear();
                    for (IndexedItem item : items) {
                        if (cacheEpoch.get() != epoch) {
                            LOG.debug("Item cache fill stopped by a write after {} items", kept);
                            return false;
                        }
                        if (!itemCache.containsKey(item.id()) && cacheRead(itemCache, item.id(), item, epoch)) {
                            kept++;
                        }
                    }
                }
            }
        }
        LOG.debug("Item cache filled with {} items in {} ms", kept, (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    /**
     * What a request would otherwise build on first use of a new reader: the filters in use, the small vector
     * fields, the walks' heap copies and the arrival order (returned, for the sources' warmers).
     */
    private Arrivals warmReader(IndexSearcher searcher) throws IOException {
        filterBits.warm(searcher);
        warmSmallFields(searcher);
        heapVectors.warm(searcher.getIndexReader());
        return arrivalsOf(searcher.getIndexReader());
    }

    /**
     * Warms a refreshed searcher in the refresh, before it is published: the requests meanwhile use the current
     * one, so none pays for a new reader's structures (after an item write, the first requests did: up to 80 ms).
     * Writes become visible that much later. A failure is logged and the searcher published; requests then build
     * what is missing.
     */
    private void warmBeforePublishing(IndexSearcher searcher) {
        if (closing.get()) {
            return;
        }
        long start = System.nanoTime();
        try {
            Arrivals next = warmReader(searcher);
            warmTermStates(searcher);
            for (Consumer<Arrivals> task : warmers) {
                task.accept(next);
            }
        } catch (IOException | RuntimeException e) {
            if (!closing.get()) {
                LOG.warn("Warming a refreshed item index searcher failed; requests build what is missing", e);
            }
        }
        LOG.debug("Refreshed searcher warmed in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** One warm-up at a time; refreshes during it are covered by the next one it schedules. */
    private void scheduleWarm() {
        ExecutorService w = warmer;
        if (w == null || closing.get() || !warmPending.compareAndSet(false, true)) {
            return;
        }
        try {
            w.execute(() -> {
                warmPending.set(false);
                if (closing.get()) {
                    return;
                }
                try {
                    // After a refresh, everything but the item cache was built before the searcher was published:
                    // these find it built.
                    Arrivals current = withSearcher(this::warmReader);
                    if (rebuilding.get() == null) {
                        // The epoch before the searcher: a refresh in between would make the searcher stale.
                        long epoch = cacheEpoch.get();
                        withSearcher(searcher -> {
                            int docs = searcher.getIndexReader().numDocs();
                            if (itemCache.size() < Math.min(docs, ITEM_CACHE_MAX) / 2) {
                                fillItemCache(searcher, epoch);
                            }
                            return null;
                        });
                    }
                    for (Consumer<Arrivals> task : warmers) {
                        task.accept(current);
                    }
                } catch (RuntimeException e) {
                    if (!closing.get()) {
                        LOG.warn("Warming the item index after a refresh failed; requests build what is missing", e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            warmPending.set(false);
        }
    }

    /** The items by arrival, as the current searcher sees them; built once per refresh. */
    public Arrivals arrivals() {
        return withSearcher(s -> arrivalsOf(s.getIndexReader()));
    }

    private Arrivals arrivalsOf(IndexReader reader) throws IOException {
        Arrivals a = arrivals.get(reader);
        if (a != null) {
            return a;
        }
        synchronized (arrivalsLock) {
            a = arrivals.get(reader);
            if (a == null) {
                a = buildArrivals(reader);
                arrivals.put(reader, a);
            }
            return a;
        }
    }

    private Arrivals buildArrivals(IndexReader reader) throws IOException {
        arrivalsBuilt.incrementAndGet();
        int n = reader.numDocs();
        String[] ids = new String[n];
        long[] seen = new long[n];
        String[] tops = new String[n];
        int count = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
            LeafReader r = leaf.reader();
            Bits live = r.getLiveDocs();
            SortedDocValues idValues = DocValues.getSorted(r, F_ID);
            SortedDocValues categories = DocValues.getSorted(r, F_CATEGORY_KEY);
            NumericDocValues firstSeen = DocValues.getNumeric(r, F_FIRST_SEEN);
            // Category paths repeat: convert each ordinal once per segment.
            String[] topByOrd = new String[Math.max(0, categories.getValueCount())];
            for (int doc = 0; doc < r.maxDoc() && count < n; doc++) {
                if (live != null && !live.get(doc) || !idValues.advanceExact(doc)) {
                    continue;
                }
                ids[count] = idValues.lookupOrd(idValues.ordValue()).utf8ToString();
                seen[count] = firstSeen.advanceExact(doc) ? firstSeen.longValue() : Long.MIN_VALUE;
                String top = "";
                if (categories.advanceExact(doc)) {
                    int ord = categories.ordValue();
                    top = topByOrd[ord];
                    if (top == null) {
                        String path = categories.lookupOrd(ord).utf8ToString();
                        int at = path.indexOf(Item.CATEGORY_SEPARATOR);
                        top = at < 0 ? path : path.substring(0, at);
                        topByOrd[ord] = top;
                    }
                }
                tops[count] = top;
                count++;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> seen[a] != seen[b] ? Long.compare(seen[b], seen[a]) : ids[a].compareTo(ids[b]));
        String[] sortedIds = new String[count];
        long[] sortedSeen = new long[count];
        String[] sortedTops = new String[count];
        Map<String, Integer> positions = new HashMap<>(count * 2);
        Map<String, int[]> byCategory = new HashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        for (int i = 0; i < count; i++) {
            sortedIds[i] = ids[order[i]];
            sortedSeen[i] = seen[order[i]];
            sortedTops[i] = tops[order[i]];
            positions.put(sortedIds[i], i);
            sizes.merge(tops[order[i]], 1, Integer::sum);
        }
        Map<String, Integer> filled = new HashMap<>();
        sizes.forEach((c, size) -> byCategory.put(c, new int[size]));
        for (int i = 0; i < count; i++) {
            String c = tops[order[i]];
            int at = filled.merge(c, 1, Integer::sum) - 1;
            byCategory.get(c)[at] = i;
        }
        return new Arrivals(sortedIds, sortedSeen, Map.copyOf(byCategory), sortedTops, positions);
    }

    private static SortField firstSeenSort() {
        SortField f = new SortField(F_FIRST_SEEN, SortField.Type.LONG, true);
        f.setMissingValue(Long.MIN_VALUE);
        return f;
    }

    static Document toDocument(Item item, ItemVector vector, long firstSeen) {
        return toDocument(item, vector, null, firstSeen);
    }

    static Document toDocument(Item item, ItemVector vector, BehaviourModel behaviour, long firstSeen) {
        Document doc = new Document();
        float[] bvec = behaviour == null ? null : behaviour.item(item.id());
        if (bvec != null) {
            // iALS scores are raw dot products of unnormalised vectors.
            doc.add(new KnnFloatVectorField(behaviour.field(), bvec, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
            doc.add(new StringField(F_BVEC_MODEL, behaviour.label(), Field.Store.NO));
        }
        doc.add(new NumericDocValuesField(F_FIRST_SEEN, firstSeen));
        doc.add(new StoredField(F_FIRST_SEEN, firstSeen));
        if (vector != null) {
            doc.add(new KnnFloatVectorField(vectorField(vector.model()), vector.vector(),
                    VectorSimilarityFunction.DOT_PRODUCT));
            doc.add(new StringField(F_VEC_MODEL, vector.model(), Field.Store.NO));
            doc.add(new SortedDocValuesField(F_VEC_MODEL, new BytesRef(vector.model())));
        }
        doc.add(new StringField(F_ID, item.id(), Field.Store.YES));
        doc.add(new SortedDocValuesField(F_ID, new BytesRef(item.id())));
        String language = primaryLanguage(item.language());
        doc.add(new StringField(F_LANGUAGE, language, Field.Store.NO));
        doc.add(new SortedDocValuesField(F_LANGUAGE, new BytesRef(language)));
        doc.add(new TextField(textField(F_TITLE, language), item.title(), Field.Store.YES));
        doc.add(new BinaryDocValuesField(F_TITLE_DV, new BytesRef(item.title())));
        doc.add(new TextField(textField(F_DESCRIPTION, language), item.description(), Field.Store.NO));
        doc.add(new TextField(textField(F_CATEGORY, language), item.category(), Field.Store.NO));
        // The brand field of the record; items stored before it existed keep it as the attribute "brand".
        String brand = item.brand() != null ? item.brand() : item.attributes().get("brand");
        String brandKey = ItemFilter.brandKey(brand);
        if (brandKey != null) {
            doc.add(new StringField(F_BRAND, brandKey, Field.Store.NO));
            doc.add(new SortedDocValuesField(F_BRAND_DV, new BytesRef(brand.strip())));
        }
        doc.add(new StringField(F_CATEGORY_KEY, item.category(), Field.Store.YES));
        doc.add(new SortedDocValuesField(F_CATEGORY_KEY, new BytesRef(item.category())));
        doc.add(new StringField(F_TOP_CATEGORY, item.topCategory(), Field.Store.NO));
        int available = item.available() ? 1 : 0;
        doc.add(new IntPoint(F_AVAILABLE, available));
        doc.add(new StoredField(F_AVAILABLE, available));
        doc.add(new NumericDocValuesField(F_AVAILABLE, available));
        if (item.price() != null) {
            double price = item.price().doubleValue();
            doc.add(new DoublePoint(F_PRICE, price));
            doc.add(new StoredField(F_PRICE, price));
            doc.add(new DoubleDocValuesField(F_PRICE, price));
        }
        return doc;
    }

    private void refreshQuietly() {
        try {
            SearcherManager sm = searchers;
            if (sm != null && !closing.get()) {
                Set<String> before = Set.copyOf(unrefreshedFirstSeen.keySet());
                Set<String> dirtyBefore = Set.copyOf(dirty);
                if (sm.maybeRefresh()) {
                    forgetRefreshed(before, dirtyBefore);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Refreshing the item index searcher failed", e);
        }
    }

    private void refreshBlocking() {
        try {
            Set<String> before = Set.copyOf(unrefreshedFirstSeen.keySet());
            Set<String> dirtyBefore = Set.copyOf(dirty);
            searchers.maybeRefreshBlocking();
            forgetRefreshed(before, dirtyBefore);
        } catch (IOException e) {
            throw new UncheckedIOException("Refreshing the item index searcher failed", e);
        }
    }

    /** Entries written before a completed refresh are visible to searchers now. */
    private void forgetRefreshed(Set<String> before, Set<String> dirtyBefore) {
        if (newReaderPublished()) {
            cacheEpoch.incrementAndGet();
            searchEpoch.incrementAndGet();
        }
        before.forEach(unrefreshedFirstSeen::remove);
        dirtyBefore.forEach(dirty::remove);
    }

    /** What searches saw at the last {@link #newReaderPublished()}: each segment's core and deletions. */
    private List<Object> publishedContent;

    /**
     * Whether searches see other documents than at the last call. Compared by content, not by reader: the periodic
     * refresh completes every second, changed or not, and each commit (every {@code commit.interval.s} after a
     * write) opens a new reader of the same segments, because the commit's user data changes the index version.
     * Moving the epoch at each dropped the personal sources' lists and the kept heads every second on an idle index.
     */
    private synchronized boolean newReaderPublished() {
        List<Object> content = withSearcher(s -> {
            List<Object> c = new ArrayList<>();
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                IndexReader.CacheHelper core = leaf.reader().getCoreCacheHelper();
                // Without a core key (a wrapped reader) the segment counts as new.
                c.add(core == null ? new Object() : core.getKey());
                c.add(leaf.reader().numDeletedDocs());
            }
            return c;
        });
        if (content.equals(publishedContent)) {
            return false;
        }
        publishedContent = content;
        return true;
    }

    /** Called under the write lock before an id's document is written or deleted. */
    private void invalidate(String id) {
        cacheEpoch.incrementAndGet();
        dirty.add(id);
        itemCache.remove(id);
        vectorCache.remove(id);
    }

    private void commitQuietly() {
        try {
            if (writer.hasUncommittedChanges() && !closing.get()) {
                commit();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Committing the item index failed", e);
        }
    }

    /** The name of the codec new segments are written with (Lucene912 for this Lucene). */
    public String codecName() {
        return writer.getConfig().getCodec().getName();
    }

    /** The analyzer of the text fields (English, with stemming and stop words). */
    public Analyzer analyzer() {
        return analyzer;
    }

    /** Number of items a search sees now. */
    public int size() {
        return withSearcher(s -> s.getIndexReader().numDocs());
    }

    /** Document frequencies of terms, in the order asked, with the number of documents. */
    public record DocFreqs(int numDocs, int[] docFreq) {
    }

    /** The document frequency of each term (deleted documents may still count until merged). */
    public DocFreqs docFreqs(List<Term> terms) {
        return withSearcher(s -> {
            int[] out = new int[terms.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = termStates(s, terms.get(i)).docFreq();
            }
            return new DocFreqs(s.getIndexReader().numDocs(), out);
        });
    }

    /**
     * The term's states in the searcher's segments (where its postings start, its statistics), built once per
     * searcher: a term costs a seek in every segment, users share their shop's vocabulary, and a history query's
     * weight would otherwise seek all ten of its terms again per request (a fifth of the text source's time).
     */
    private TermStates termStates(IndexSearcher s, Term term) throws IOException {
        Map<Term, TermStates> byTerm = termStatesOf(s);
        TermStates known = byTerm.get(term);
        if (known == null) {
            known = TermStates.build(s, term, true);
            termStatesBuiltInRequests.increment();
            if (byTerm.size() >= TERM_STATES_CACHE_MAX) {
                byTerm.clear();
            }
            byTerm.put(term, known);
        }
        return known;
    }

    private Map<Term, TermStates> termStatesOf(IndexSearcher s) {
        Map<Term, TermStates> byTerm = termStatesCache.get(s);
        if (byTerm == null) {
            byTerm = new ConcurrentHashMap<>();
            termStatesCache.put(s, byTerm);
        }
        return byTerm;
    }

    private final LongAdder termStatesBuiltInRequests = new LongAdder();

    /** Term states a search had to build itself so far (tests check that a refresh built them first). */
    long termStatesBuiltInRequests() {
        return termStatesBuiltInRequests.sum();
    }

    /** Most terms whose states a refresh builds for the new searcher before publishing it. */
    static final int TERM_STATES_WARM_MAX = 20_000;

    /**
     * Builds for a new searcher the states of the terms the current one was asked (up to
     * {@link #TERM_STATES_WARM_MAX}): otherwise the first requests after a refresh seek every term of their users'
     * histories in every segment again.
     */
    private void warmTermStates(IndexSearcher next) throws IOException {
        Object current = termStatesCache.newestReader();
        Map<Term, TermStates> before = current == null || current == next ? null : termStatesCache.get(current);
        if (before == null) {
            return;
        }
        Map<Term, TermStates> byTerm = termStatesOf(next);
        int built = 0;
        for (Term term : before.keySet()) {
            if (built++ >= TERM_STATES_WARM_MAX) {
                break;
            }
            byTerm.computeIfAbsent(term, t -> {
                try {
                    return TermStates.build(next, t, true);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * The query with each term query given its kept {@link #termStates} (through boosts and boolean clauses); other
     * queries as they are. Same scores: the states are what the term query would build itself.
     */
    private Query withTermStates(IndexSearcher s, Query q) throws IOException {
        if (q instanceof TermQuery tq) {
            return tq.getTermStates() != null ? tq : new TermQuery(tq.getTerm(), termStates(s, tq.getTerm()));
        }
        if (q instanceof BoostQuery bq) {
            Query inner = withTermStates(s, bq.getQuery());
            return inner == bq.getQuery() ? bq : new BoostQuery(inner, bq.getBoost());
        }
        if (q instanceof BooleanQuery bq) {
            BooleanQuery.Builder b = new BooleanQuery.Builder().setMinimumNumberShouldMatch(
                    bq.getMinimumNumberShouldMatch());
            for (BooleanClause clause : bq.clauses()) {
                b.add(withTermStates(s, clause.getQuery()), clause.getOccur());
            }
            return b.build();
        }
        return q;
    }

    /** Most terms whose states are kept per searcher (a few hundred bytes each). */
    static final int TERM_STATES_CACHE_MAX = 100_000;

    /** Term states per searcher: the current one's, and the next one's while a refresh warms it. */
    private final ReaderSlots<Map<Term, TermStates>> termStatesCache = new ReaderSlots<>();

    /** The best {@code n} items for the query, best first. */
    public List<Hit> search(Query query, int n) {
        return withSearcher(s -> hits(s, s.search(query, n).scoreDocs));
    }

    /**
     * The best {@code n} items for the query among those the filter accepts, without the extra exclusions, best
     * first: {@link #search(Query, int)} of {@link #filtered(Query, ItemFilter, Collection)}, with the filter's
     * documents taken from the per-searcher cache instead of evaluated again.
     */
    public List<Hit> search(Query main, int n, ItemFilter filter, Collection<String> extraExcluded) {
        List<Map.Entry<Term, Float>> terms = textSmallMaxItems > 0 ? TermScores.terms(main) : null;
        return withSearcher(s -> {
            FilterBits.Accepted accepted = filterBits.accepted(s, filter, extraExcluded);
            if (terms != null && s.getIndexReader().maxDoc() <= textSmallMaxItems) {
                ScoreDoc[] top = termScores(s).top(terms, Math.max(1, n), accepted.bits(), t -> termStates(s, t));
                if (top != null) {
                    keptTermAnswers.increment();
                    return hits(s, top);
                }
            }
            luceneTermAnswers.increment();
            return hits(s, topAccepted(s, main, n, accepted));
        });
    }

    private volatile TermScores termScores = new TermScores(null, 0);

    /** The searcher's kept term scores, new for a new searcher. */
    private TermScores termScores(IndexSearcher s) {
        TermScores c = termScores;
        if (!c.isFor(s)) {
            c = new TermScores(s, textSmallPostings);
            termScores = c;
        }
        return c;
    }

    /** Text searches answered from kept term scores so far (tests and benchmarks read it). */
    public long keptTermAnswers() {
        return keptTermAnswers.sum();
    }

    /** Text searches answered by Lucene's scorers so far. */
    public long luceneTermAnswers() {
        return luceneTermAnswers.sum();
    }

    /**
     * The top {@code n} of the query among the accepted documents, given to each leaf's bulk scorer as its accept
     * bits. A FILTER clause would give the same answer, but it turns a disjunction (a history query is ten SHOULD
     * terms) into a conjunction scored by WAND; as accept bits, Lucene keeps its MaxScore bulk scorer, which skips
     * blocks that cannot compete. Total hits are not counted past n: nobody reads them.
     */
    ScoreDoc[] topAccepted(IndexSearcher s, Query main, int n, FilterBits.Accepted accepted)
            throws IOException {
        TopScoreDocCollector collector = new TopScoreDocCollectorManager(Math.max(1, n), null, Math.max(1, n), false)
                .newCollector();
        Weight weight = s.createWeight(s.rewrite(withTermStates(s, main)), collector.scoreMode(), 1f);
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            Bits acceptDocs;
            if (accepted.all()) {
                acceptDocs = leaf.reader().getLiveDocs();
            } else {
                acceptDocs = leaf.ord < accepted.bits().length ? accepted.bits()[leaf.ord] : null;
                if (acceptDocs == null) {
                    continue;
                }
            }
            BulkScorer scorer = weight.bulkScorer(leaf);
            if (scorer == null) {
                continue;
            }
            LeafCollector leafCollector;
            try {
                leafCollector = collector.getLeafCollector(leaf);
            } catch (CollectionTerminatedException e) {
                continue;
            }
            try {
                scorer.score(leafCollector, acceptDocs, 0, DocIdSetIterator.NO_MORE_DOCS);
            } catch (CollectionTerminatedException e) {
                // this leaf has nothing more to give
            }
            leafCollector.finish();
        }
        return collector.topDocs().scoreDocs;
    }

    /** The hits' ids (one doc values read each; the other fields are not needed) with their scores, in order. */
    private List<Hit> hits(IndexSearcher searcher, ScoreDoc[] docs) throws IOException {
        String[] byDoc = idsByDoc(searcher);
        String[] ids = new String[docs.length];
        long[] missing = null;
        int misses = 0;
        for (int i = 0; i < docs.length; i++) {
            ids[i] = byDoc[docs[i].doc];
            if (ids[i] == null) {
                if (missing == null) {
                    missing = new long[docs.length - i];
                }
                missing[misses++] = (long) docs[i].doc << 32 | i;
            }
        }
        if (misses > 0) {
            // Doc values iterators only move forward: read in doc id order.
            Arrays.sort(missing, 0, misses);
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            LeafReaderContext leaf = null;
            SortedDocValues values = null;
            int last = -1;
            String lastId = null;
            for (int m = 0; m < misses; m++) {
                int doc = (int) (missing[m] >>> 32);
                int i = (int) missing[m];
                if (doc == last) {
                    ids[i] = lastId;
                    continue;
                }
                if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                    leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                    values = DocValues.getSorted(leaf.reader(), F_ID);
                }
                int local = doc - leaf.docBase;
                String id = values.advanceExact(local) ? values.lookupOrd(values.ordValue()).utf8ToString() : "";
                // The cached item's own id string when there is one: the other sources list that instance, so
                // fusion and the head compare ids by identity instead of reading both strings' bytes.
                IndexedItem known = itemCache.get(id);
                ids[i] = known != null ? known.id() : id;
                byDoc[doc] = ids[i];
                last = doc;
                lastId = ids[i];
            }
        }
        List<Hit> hits = new ArrayList<>(docs.length);
        for (int i = 0; i < docs.length; i++) {
            hits.add(new Hit(ids[i], docs[i].score));
        }
        return hits;
    }

    /** The id of each document of one reader, filled as hits are read (a reader's documents never change). */
    private record IdsByDoc(IndexReader reader, String[] ids) {
    }

    private volatile IdsByDoc idsByDoc = new IdsByDoc(null, new String[0]);

    /**
     * The searcher's ids by global doc id, read once per document and reader: the kNN and BM25 sources keep
     * finding the same items, and reading an id from doc values (a terms dictionary seek and a new string) was a
     * tenth of their cost. Unsynchronised writes are benign: every writer stores the same immutable string.
     */
    private String[] idsByDoc(IndexSearcher s) {
        IdsByDoc c = idsByDoc;
        IndexReader r = s.getIndexReader();
        if (c.reader() != r) {
            c = new IdsByDoc(r, new String[r.maxDoc()]);
            idsByDoc = c;
        }
        return c.ids();
    }

    /**
     * A number that moves whenever searches and look-ups start to see a new reader (a refresh that changed
     * something, a rebuild's). Equal epochs mean equal answers; the personal sources and the kept heads key their
     * caches on it (read it before searching: a change during the search then moves it past the stored one). A
     * write does not move it before it is searchable: until then searches and look-ups (the item cache drops the
     * written id) answer from the same reader as before it; moving it then too dropped every kept list twice per
     * write.
     */
    public long epoch() {
        return searchEpoch.get();
    }

    /** The indexed items among the given ids, by id, in the order asked. */
    public Map<String, IndexedItem> lookup(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<String> list = ids instanceof List<String> l ? l : new ArrayList<>(ids);
        IndexedItem[] items = lookupEach(list);
        Map<String, IndexedItem> ordered = new LinkedHashMap<>(list.size() * 2);
        for (int i = 0; i < items.length; i++) {
            if (items[i] != null) {
                ordered.putIfAbsent(list.get(i), items[i]);
            }
        }
        return ordered;
    }

    /**
     * The indexed item of each id, at the same position (null where none is indexed): what {@link #lookup} finds,
     * without building an ordered map and probing it again (the head of every recommendation and the ranked sources
     * look up hundreds of ids per request, nearly all cached).
     */
    public IndexedItem[] lookupEach(List<String> ids) {
        IndexedItem[] out = new IndexedItem[ids.size()];
        long epoch = cacheEpoch.get();
        Set<String> missing = null;
        for (int i = 0; i < out.length; i++) {
            String id = ids.get(i);
            out[i] = itemCache.get(id);
            if (out[i] == null) {
                if (missing == null) {
                    missing = new LinkedHashSet<>();
                }
                missing.add(id);
            }
        }
        if (missing == null) {
            return out;
        }
        List<BytesRef> terms = new ArrayList<>(missing.size());
        for (String id : missing) {
            terms.add(new BytesRef(id));
        }
        Map<String, IndexedItem> read = withSearcher(s -> {
            ScoreDoc[] docs = s.search(new TermInSetQuery(F_ID, terms), terms.size()).scoreDocs;
            Map<String, IndexedItem> byId = new HashMap<>(docs.length * 2);
            for (IndexedItem item : read(s, docs)) {
                byId.put(item.id(), item);
            }
            return byId;
        });
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = read.get(ids.get(i));
            }
        }
        if (cacheEpoch.get() == epoch && itemCache.size() < ITEM_CACHE_MAX) {
            read.forEach((id, item) -> cacheRead(itemCache, id, item, epoch));
        }
        return out;
    }

    /**
     * Reads the items of the hits from doc values, walking them in doc id order (doc values iterators only move
     * forward); the result is in the order of {@code docs}.
     */
    private static IndexedItem[] read(IndexSearcher searcher, ScoreDoc[] docs) throws IOException {
        Integer[] order = new Integer[docs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> docs[i].doc));
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        IndexedItem[] out = new IndexedItem[docs.length];
        LeafReaderContext leaf = null;
        SortedDocValues ids = null;
        SortedDocValues categories = null;
        BinaryDocValues titles = null;
        NumericDocValues available = null;
        NumericDocValues prices = null;
        SortedDocValues brands = null;
        SortedDocValues languages = null;
        for (int i : order) {
            int doc = docs[i].doc;
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                LeafReader r = leaf.reader();
                ids = DocValues.getSorted(r, F_ID);
                categories = DocValues.getSorted(r, F_CATEGORY_KEY);
                titles = DocValues.getBinary(r, F_TITLE_DV);
                available = DocValues.getNumeric(r, F_AVAILABLE);
                prices = DocValues.getNumeric(r, F_PRICE);
                brands = DocValues.getSorted(r, F_BRAND_DV);
                languages = DocValues.getSorted(r, F_LANGUAGE);
            }
            int local = doc - leaf.docBase;
            String id = ids.advanceExact(local) ? ids.lookupOrd(ids.ordValue()).utf8ToString() : "";
            String category = categories.advanceExact(local)
                    ? categories.lookupOrd(categories.ordValue()).utf8ToString() : "";
            String title = titles.advanceExact(local) ? titles.binaryValue().utf8ToString() : "";
            boolean isAvailable = available.advanceExact(local) && available.longValue() == 1;
            Double price = prices.advanceExact(local) ? NumericUtils.sortableLongToDouble(prices.longValue()) : null;
            String brand = brands.advanceExact(local) ? brands.lookupOrd(brands.ordValue()).utf8ToString() : null;
            String language = languages.advanceExact(local)
                    ? languages.lookupOrd(languages.ordValue()).utf8ToString() : "en";
            out[i] = new IndexedItem(id, title, category, isAvailable, price, brand, language);
        }
        return out;
    }

    /**
     * The query restricted by the filter (category prefix, availability, brand, price, exclusions) and by the extra
     * exclusions. {@code main} null means every item.
     */
    public static Query filtered(Query main, ItemFilter filter, Collection<String> extraExcluded) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(main == null ? new MatchAllDocsQuery() : main, Occur.MUST);
        if (filter.categoryPrefix() != null) {
            b.add(new PrefixQuery(new Term(F_CATEGORY_KEY, filter.categoryPrefix())), Occur.FILTER);
        }
        if (filter.availableOnly()) {
            b.add(IntPoint.newExactQuery(F_AVAILABLE, 1), Occur.FILTER);
        }
        if (!filter.brands().isEmpty()) {
            List<BytesRef> keys = filter.brands().stream().map(ItemFilter::brandKey).distinct().map(BytesRef::new)
                    .toList();
            b.add(new TermInSetQuery(F_BRAND, keys), Occur.FILTER);
        }
        if (filter.minPrice() != null || filter.maxPrice() != null) {
            // Items without a price have no point and fail, as ItemFilter.accepts says.
            double min = filter.minPrice() == null ? Double.NEGATIVE_INFINITY : filter.minPrice().doubleValue();
            double max = filter.maxPrice() == null ? Double.POSITIVE_INFINITY : filter.maxPrice().doubleValue();
            b.add(DoublePoint.newRangeQuery(F_PRICE, min, max), Occur.FILTER);
        }
        Set<String> excluded = new LinkedHashSet<>(filter.excludeItemIds());
        excluded.addAll(extraExcluded);
        if (!excluded.isEmpty()) {
            List<BytesRef> terms = new ArrayList<>(excluded.size());
            for (String id : excluded) {
                terms.add(new BytesRef(id));
            }
            b.add(new TermInSetQuery(F_ID, terms), Occur.MUST_NOT);
        }
        return b.build();
    }

    // ---- behaviour vectors -----------------------------------------------------------------------------------

    /**
     * Keeps the vectors on disk, then rewrites every item of the store with its new behaviour vector (text vectors
     * are carried over from the index, not recomputed), removing the previous ones; returns once searchable.
     */
    @Override
    public void publish(BehaviourVectors vectors) {
        Require.nonNull(vectors, "vectors");
        if (!open) {
            throw new RialtoException("The item index is not open");
        }
        synchronized (publishLock) {
            long start = System.nanoTime();
            BehaviourModel model = new BehaviourModel(vectors);
            try {
                behaviourFile.write(vectors);
            } catch (IOException e) {
                throw new RialtoException("Cannot store the behaviour vectors " + model.label() + " at "
                        + behaviourFile.path() + ": " + e.getMessage(), e);
            }
            synchronized (writeLock) {
                behaviour = model;
            }
            long[] written = {0};
            List<Item> batch = new ArrayList<>(batchSize);
            try {
                repository.forEach(item -> {
                    if (closing.get()) {
                        throw new RebuildCancelled();
                    }
                    batch.add(item);
                    if (batch.size() >= batchSize) {
                        written[0] += rewrite(batch);
                    }
                });
            } catch (RebuildCancelled e) {
                // Stored and in use: rialto:index-rebuild (or the next publication) completes the rewrite.
                throw new RialtoException("The item index closed while publishing the behaviour vectors "
                        + model.label() + " (" + written[0] + " items rewritten)", e);
            }
            written[0] += rewrite(batch);
            refreshBlocking();
            LOG.info("Behaviour vectors {} published: {} items rewritten, {} item and {} user vectors, {} dims, "
                    + "in {} ms", model.label(), written[0], vectors.items().size(), vectors.users().size(),
                    vectors.dimension(), (System.nanoTime() - start) / 1_000_000);
            if (mergeSegments > 0) {
                // Searches already see the vectors; the rewrite left a segment per batch.
                mergeInBackground(mergeSegments);
            }
        }
    }

    private int rewrite(List<Item> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        Map<String, ItemVector> text = vectors(batch.stream().map(Item::id).toList());
        writeDocuments(batch, text);
        int n = batch.size();
        batch.clear();
        return n;
    }

    @Override
    public Optional<String> current() {
        BehaviourModel b = behaviour;
        return b == null ? Optional.empty() : Optional.of(b.label());
    }

    /**
     * Drops the user's published behaviour vector, in memory and on disk (a forgotten user must not come back
     * with a restart). Item vectors stay: they are not personal. Returns whether there was one.
     */
    public boolean forgetUser(String userId) {
        synchronized (publishLock) {
            BehaviourModel current = behaviour;
            if (current == null || current.user(userId) == null) {
                return false;
            }
            BehaviourModel without = current.withoutUser(userId);
            try {
                behaviourFile.write(without.vectors());
            } catch (IOException e) {
                throw new RialtoException("Cannot rewrite the behaviour vectors at " + behaviourFile.path()
                        + " without a forgotten user: " + e.getMessage(), e);
            }
            synchronized (writeLock) {
                behaviour = without;
            }
            return true;
        }
    }

    /** The behaviour vectors in use, or null. */
    public BehaviourModel behaviour() {
        return behaviour;
    }

    @Override
    public Optional<BehaviourVectors> published() {
        BehaviourModel b = behaviour;
        return b == null ? Optional.empty() : Optional.of(b.vectors());
    }

    // ---- embeddings -------------------------------------------------------------------------------------------

    @Reference(name = "embedders", service = TextEmbedder.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeEmbedder")
    public void addEmbedder(TextEmbedder embedder) {
        embedders.put(embedder.model(), embedder);
        LOG.info("Text embedder {} ({} dims, languages {}) bound to the item index", embedder.model(),
                embedder.dimensions(), embedder.languages());
        if (open) {
            scheduleEmbedMissing(embedder);
        }
    }

    public void removeEmbedder(TextEmbedder embedder) {
        // Vectors already indexed stay: similar items and history queries can still use them.
        embedders.remove(embedder.model(), embedder);
    }

    /** The field of a model's vectors. */
    public static String vectorField(String model) {
        return VEC_PREFIX + model;
    }

    /** What an item's embedding is computed from. */
    public static String embeddingText(Item item) {
        StringBuilder text = new StringBuilder(item.title());
        if (!item.category().isEmpty()) {
            text.append(". ").append(item.category());
        }
        if (!item.description().isEmpty()) {
            text.append(". ").append(item.description());
        }
        return text.toString();
    }

    /** The primary language subtag, lower case: {@code zh-Hans-CN} gives {@code zh}. */
    static String primaryLanguage(String tag) {
        if (tag == null || tag.isBlank()) {
            return "en";
        }
        String t = Settings.lower(tag.strip());
        int cut = t.indexOf('-') >= 0 ? t.indexOf('-') : t.indexOf('_');
        return cut > 0 ? t.substring(0, cut) : t;
    }

    /**
     * The embedder for a language: one whose languages contain it, else the English one, else null. Among several,
     * the first by model name.
     */
    public TextEmbedder embedderFor(String language) {
        String lang = primaryLanguage(language);
        TextEmbedder english = null;
        for (TextEmbedder e : new TreeMap<>(embedders).values()) {
            if (e.languages().contains(lang)) {
                return e;
            }
            if (english == null && e.languages().contains("en")) {
                english = e;
            }
        }
        return english;
    }

    /** Whether any embedder is bound. */
    public boolean hasEmbedders() {
        return !embedders.isEmpty();
    }

    /** Vectors of the items by id; items without an embedder, or whose model fails, get none. */
    Map<String, ItemVector> embed(Collection<Item> items) {
        if (embedders.isEmpty() || items.isEmpty()) {
            return Map.of();
        }
        Map<TextEmbedder, List<Item>> byEmbedder = new LinkedHashMap<>();
        for (Item item : items) {
            TextEmbedder e = embedderFor(item.language());
            if (e != null) {
                byEmbedder.computeIfAbsent(e, x -> new ArrayList<>()).add(item);
            }
        }
        Map<String, ItemVector> out = new HashMap<>(items.size() * 2);
        for (Map.Entry<TextEmbedder, List<Item>> group : byEmbedder.entrySet()) {
            TextEmbedder e = group.getKey();
            List<Item> list = group.getValue();
            try {
                float[][] vectors = e.embed(list.stream().map(ItemIndex::embeddingText).toList());
                if (vectors.length != list.size()) {
                    throw new IllegalStateException("asked for " + list.size() + " vectors, got " + vectors.length);
                }
                for (int i = 0; i < vectors.length; i++) {
                    if (vectors[i] != null && vectors[i].length == e.dimensions()) {
                        out.put(list.get(i).id(), new ItemVector(e.model(), vectors[i]));
                    }
                }
            } catch (RuntimeException ex) {
                // The items stay searchable by text; a later rebuild adds the vectors.
                embedWarnings.warn("Embedder {} failed; its items are indexed without vectors", e.model(), ex);
            }
        }
        return out;
    }

    private void scheduleEmbedMissing(TextEmbedder embedder) {
        ExecutorService worker = vectorWorker;
        if (worker == null) {
            return;
        }
        try {
            worker.execute(() -> embedMissing(embedder));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Index closing; not embedding items for {}", embedder.model());
        }
    }

    /**
     * Gives the vectors of {@code embedder} to every stored item that it serves and that lacks them: the rebuild
     * of vectors after an embedder appears. Items that already have this model's vector are skipped, so a restart
     * re-embeds nothing.
     */
    private void embedMissing(TextEmbedder embedder) {
        try {
            Thread running = rebuilder;
            if (running != null) {
                running.join();
            }
            if (closing.get() || embedders.get(embedder.model()) != embedder) {
                return;
            }
            long start = System.nanoTime();
            long total = repository.count();
            long[] seen = {0};
            long[] embedded = {0};
            long[] lastLog = {start};
            List<Item> batch = new ArrayList<>(batchSize);
            LOG.info("Embedding the items of the store with {} in the background ({} items to check)",
                    embedder.model(), total);
            repository.forEach(item -> {
                if (closing.get() || embedders.get(embedder.model()) != embedder) {
                    throw new RebuildCancelled();
                }
                seen[0]++;
                if (embedderFor(item.language()) == embedder) {
                    batch.add(item);
                }
                if (batch.size() >= batchSize) {
                    embedded[0] += embedMissing(embedder, batch);
                    batch.clear();
                    if (System.nanoTime() - lastLog[0] > 5_000_000_000L) {
                        lastLog[0] = System.nanoTime();
                        LOG.info("Embedding with {}: {} of {} items checked, {} embedded", embedder.model(), seen[0],
                                total, embedded[0]);
                    }
                }
            });
            embedded[0] += embedMissing(embedder, batch);
            refreshBlocking();
            LOG.info("Embedded {} items with {} in {} ms ({} items checked)", embedded[0], embedder.model(),
                    (System.nanoTime() - start) / 1_000_000, seen[0]);
        } catch (RebuildCancelled e) {
            LOG.info("Embedding with {} stopped: the index is closing or the embedder left", embedder.model());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closing.get()) {
                LOG.error("Embedding the items with {} failed", embedder.model(), e);
            }
        }
    }

    private int embedMissing(TextEmbedder embedder, List<Item> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        List<BytesRef> ids = batch.stream().map(i -> new BytesRef(i.id())).toList();
        Query have = new BooleanQuery.Builder()
                .add(new TermInSetQuery(F_ID, ids), Occur.FILTER)
                .add(new TermQuery(new Term(F_VEC_MODEL, embedder.model())), Occur.FILTER).build();
        Set<String> done = new HashSet<>();
        for (Hit h : search(have, batch.size())) {
            done.add(h.id());
        }
        List<Item> missing = batch.stream().filter(i -> !done.contains(i.id())).toList();
        if (missing.isEmpty()) {
            return 0;
        }
        Map<String, ItemVector> vectors = embed(missing);
        // Only the items that got a vector are rewritten; the others would gain nothing.
        List<Item> withVectors = missing.stream().filter(i -> vectors.containsKey(i.id())).toList();
        writeDocuments(withVectors, vectors);
        refreshQuietly();
        return withVectors.size();
    }

    /** Waits until the background embedding queued so far is done; true when it is. */
    public boolean awaitVectors(long millis) throws InterruptedException {
        if (!awaitRebuild(millis)) {
            return false;
        }
        ExecutorService worker = vectorWorker;
        if (worker == null) {
            return true;
        }
        try {
            worker.submit(() -> { }).get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * The vectors of the given items, by id; items without a vector are left out. The arrays may be shared with a
     * cache: callers must not change them.
     */
    public Map<String, ItemVector> vectors(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        long epoch = cacheEpoch.get();
        Map<String, ItemVector> out = new HashMap<>(ids.size() * 2);
        Set<String> missing = new LinkedHashSet<>();
        for (String id : ids) {
            ItemVector cached = vectorCache.get(id);
            if (cached != null) {
                out.put(id, cached);
            } else {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        Map<String, ItemVector> read = readVectors(missing);
        out.putAll(read);
        // As for items: only what was read while nothing was written or refreshed, of ids with no write pending.
        if (cacheEpoch.get() == epoch && vectorCache.size() < VECTOR_CACHE_MAX) {
            read.forEach((id, v) -> cacheRead(vectorCache, id, v, epoch));
        }
        return out;
    }

    private Map<String, ItemVector> readVectors(Collection<String> ids) {
        List<BytesRef> terms = ids.stream().map(BytesRef::new).toList();
        return withSearcher(s -> {
            // A constant-score query: its hits come in doc id order, so one set of iterators per leaf serves them
            // all (an iterator of each kind per item was most of the semantic source's history vector).
            ScoreDoc[] docs = s.search(new TermInSetQuery(F_ID, terms), terms.size()).scoreDocs;
            List<LeafReaderContext> leaves = s.getIndexReader().leaves();
            String[] byDoc = idsByDoc(s);
            Map<String, ItemVector> out = new HashMap<>(docs.length * 2);
            LeafReaderContext leaf = null;
            SortedDocValues models = null;
            SortedDocValues idValues = null;
            Map<String, FloatVectorValues> fields = new HashMap<>();
            int last = -1;
            for (ScoreDoc sd : docs) {
                if (leaf == null || sd.doc >= leaf.docBase + leaf.reader().maxDoc() || sd.doc <= last) {
                    leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                    models = DocValues.getSorted(leaf.reader(), F_VEC_MODEL);
                    idValues = DocValues.getSorted(leaf.reader(), F_ID);
                    fields.clear();
                }
                last = sd.doc;
                LeafReader r = leaf.reader();
                int local = sd.doc - leaf.docBase;
                if (!models.advanceExact(local) || !idValues.advanceExact(local)) {
                    continue;
                }
                String model = models.lookupOrd(models.ordValue()).utf8ToString();
                FloatVectorValues values = fields.get(model);
                if (values == null && !fields.containsKey(model)) {
                    values = r.getFloatVectorValues(vectorField(model));
                    fields.put(model, values);
                }
                if (values != null && values.docID() < local && values.advance(local) == local) {
                    String id = byDoc[sd.doc];
                    if (id == null) {
                        id = idValues.lookupOrd(idValues.ordValue()).utf8ToString();
                        byDoc[sd.doc] = id;
                    }
                    out.put(id, new ItemVector(model, values.vectorValue().clone()));
                }
            }
            return out;
        });
    }

    /**
     * The {@code k} nearest items to the vector in the model's field, among the items that match {@code filter}
     * (applied during the HNSW search, not after it). Empty when no item has a vector of this model or the
     * dimensions differ.
     */
    public List<Hit> knn(String model, float[] vector, int k, Query filter) {
        return knnField(vectorField(model), vector, k, filter);
    }

    /** As {@link #knn}, on any vector field. */
    public List<Hit> knnField(String field, float[] vector, int k, Query filter) {
        return withSearcher(s -> dimensionsMatch(s, field, vector) ? hits(s, FilteredKnn.search(s, field, vector, k,
                filter, knnExactShare, knnOversampleMax, knnRescore, null)) : List.of());
    }

    /**
     * The {@code k} nearest items to the vector in the model's field among those the filter accepts, without the
     * extra exclusions: {@link #knn(String, float[], int, Query)} of {@link #filtered(Query, ItemFilter, Collection)},
     * with the filter's documents taken from the per-searcher cache instead of evaluated again.
     */
    public List<Hit> knn(String model, float[] vector, int k, ItemFilter filter, Collection<String> extraExcluded) {
        return knnField(vectorField(model), vector, k, filter, extraExcluded);
    }

    /** As {@link #knn(String, float[], int, ItemFilter, Collection)}, on any vector field. */
    public List<Hit> knnField(String field, float[] vector, int k, ItemFilter filter,
            Collection<String> extraExcluded) {
        return knn(field, null, vector, k, filter, extraExcluded);
    }

    /**
     * The {@code k} nearest items, among those the filter accepts without the extra exclusions, to {@code mean}, the
     * normalised mean of the vectors of the items in {@code coefficients} ({@code mean = sum of coefficient x
     * vector}; every item must have a vector of the model): from the items' similarity rows on a small field, else as
     * {@link #knn(String, float[], int, ItemFilter, Collection)} of the mean.
     */
    public List<Hit> knnOfMean(String model, Map<String, Double> coefficients, float[] mean, int k,
            ItemFilter filter, Collection<String> extraExcluded) {
        return knn(vectorField(model), coefficients, mean, k, filter, extraExcluded);
    }

    private List<Hit> knn(String field, Map<String, Double> coefficients, float[] vector, int k, ItemFilter filter,
            Collection<String> extraExcluded) {
        return withSearcher(s -> {
            if (!dimensionsMatch(s, field, vector)) {
                return List.of();
            }
            FilterBits.Accepted accepted = filterBits.accepted(s, filter, extraExcluded);
            SmallVectorField small = smallField(s, field);
            if (small != null && small.dims() == vector.length) {
                List<LeafReaderContext> leaves = s.getIndexReader().leaves();
                if (coefficients != null) {
                    ScoreDoc[] top = small.knnOfMean(coefficients, k, accepted.bits(), leaves, ROWS_PER_CALL);
                    if (top != null) {
                        rowsAnswers.increment();
                        return hits(s, top);
                    }
                }
                if (columnsPay(small.size(), k, accepted)) {
                    columnAnswers.increment();
                    return hits(s, small.knn(vector, k, accepted.bits(), leaves));
                }
            }
            luceneAnswers.increment();
            return hits(s, FilteredKnn.search(s, field, vector, k, accepted.bits(), knnExactShare, knnOversampleMax,
                    knnRescore, null, heapVectors));
        });
    }

    /**
     * Whether one pass over a small field's columns costs less than Lucene's search: a walk visits about
     * {@link FilteredKnn#expectedVisits} nodes, each worth {@link #COLUMN_SPEEDUP} items of a column pass; a filter
     * keeping few items is scanned by Lucene over those few.
     */
    private static boolean columnsPay(int size, int k, FilterBits.Accepted accepted) {
        double share = 1;
        if (!accepted.all()) {
            long kept = 0;
            for (FixedBitSet b : accepted.bits()) {
                kept += b == null ? 0 : b.cardinality();
            }
            if (kept * COLUMN_SPEEDUP < size) {
                return false;
            }
            share = Math.min(1, kept / (double) size);
        }
        return FilteredKnn.expectedVisits(k, size, share) * COLUMN_SPEEDUP >= size;
    }

    /**
     * Builds the searcher's small vector fields (every vector field of at most {@code knn.small.max.items} items), so
     * that the first kNN after a refresh does not copy the vectors in the request.
     */
    private void warmSmallFields(IndexSearcher s) throws IOException {
        if (smallMaxItems <= 0) {
            return;
        }
        Set<String> fields = new TreeSet<>();
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            for (FieldInfo info : leaf.reader().getFieldInfos()) {
                if (info.getVectorDimension() > 0) {
                    fields.add(info.name);
                }
            }
        }
        for (String field : fields) {
            smallField(s, field);
        }
    }

    /** Small vector fields built so far (tests read it). */
    long smallFieldBuilds() {
        return smallFieldBuilds.sum();
    }

    /**
     * Segment copies of vectors made for the graph walks so far, the heap they take now and the segment searches
     * they served (tests read it).
     */
    long[] heapVectorStats() {
        return new long[] {heapVectors.builds(), heapVectors.bytes(), heapVectors.served()};
    }

    /** Sets the copies' budget in bytes (0 drops them): tests compare one index's answers with and without them. */
    void heapVectorBudget(long bytes) {
        heapVectors.budget(bytes);
    }

    /**
     * Sets the heap copies' budget ({@code knn.heap.mb}) and makes the current searcher's copies at once: the
     * benchmark alternates with and without them in one process.
     */
    public void heapVectors(int mb) {
        heapVectors.budget(HeapVectorCache.budgetOf(mb));
        withSearcher(s -> {
            heapVectors.warm(s.getIndexReader());
            return null;
        });
    }

    /** kNN answered from similarity rows so far. */
    public long rowsAnswers() {
        return rowsAnswers.sum();
    }

    /** kNN answered by a pass over a small field's columns so far. */
    public long columnAnswers() {
        return columnAnswers.sum();
    }

    /** kNN answered by Lucene's graph walk or scan so far. */
    public long luceneAnswers() {
        return luceneAnswers.sum();
    }

    /** The field of the searcher's reader kept small, built on first use; null when it does not qualify. */
    private SmallVectorField smallField(IndexSearcher s, String field) throws IOException {
        int maxItems = smallMaxItems;
        if (maxItems <= 0) {
            return null;
        }
        IndexReader r = s.getIndexReader();
        Map<String, Optional<SmallVectorField>> kept = smallFields.get(r);
        Optional<SmallVectorField> known = kept == null ? null : kept.get(field);
        if (known != null) {
            return known.orElse(null);
        }
        synchronized (smallFieldsLock) {
            kept = smallFields.get(r);
            known = kept == null ? null : kept.get(field);
            if (known != null) {
                return known.orElse(null);
            }
            SmallVectorField built = SmallVectorField.build(r, field, F_ID, maxItems, smallBudget);
            smallFieldBuilds.increment();
            Map<String, Optional<SmallVectorField>> byField = new HashMap<>(kept == null ? Map.of() : kept);
            byField.put(field, Optional.ofNullable(built));
            smallFields.put(r, Map.copyOf(byField));
            return built;
        }
    }

    /** Whether the field has vectors of the query's dimensions (a mismatch is warned about, rate-limited). */
    private boolean dimensionsMatch(IndexSearcher s, String field, float[] vector) {
        int dims = 0;
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
            if (info != null && info.getVectorDimension() > 0) {
                dims = info.getVectorDimension();
                break;
            }
        }
        if (dims != 0 && dims != vector.length) {
            embedWarnings.warn("Vector field {} has other dimensions than the query vector; no kNN results", field,
                    new IllegalArgumentException(dims + " != " + vector.length));
        }
        return dims != 0 && dims == vector.length;
    }

    /** Number of items that have a vector of the model. */
    public int vectorCount(String model) {
        return withSearcher(s -> s.count(new TermQuery(new Term(F_VEC_MODEL, model))));
    }

    private interface SearchAction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(SearchAction<T> action) {
        SearcherManager sm = searchers;
        if (sm == null) {
            throw new RialtoException("The item index is not open");
        }
        IndexSearcher searcher = null;
        try {
            searcher = sm.acquire();
            return action.apply(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException("Searching the item index failed", e);
        } finally {
            if (searcher != null) {
                try {
                    sm.release(searcher);
                } catch (IOException e) {
                    LOG.warn("Releasing an item index searcher failed", e);
                }
            }
        }
    }
}
