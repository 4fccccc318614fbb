package dev.rialto.retrieval.lucene.internal.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.EventType;
import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.retrieval.SearchResult;
import dev.rialto.retrieval.lucene.internal.index.IndexedItem;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;
import dev.rialto.retrieval.lucene.internal.search.LuceneItemSearch;
import dev.rialto.retrieval.lucene.internal.testing.Catalogue;
import dev.rialto.retrieval.lucene.internal.testing.Fixture;
import dev.rialto.retrieval.lucene.internal.testing.TestConfig;

/** Items whose language is zh: smartcn word segmentation at index and query time, next to English items. */
class ChineseTextTest {

    @TempDir
    Path dir;
    private Fixture fx;

    static List<Item> catalogue() {
        List<Item> items = new ArrayList<>(Catalogue.generate(50));
        items.add(zh("zh-1", "蓝牙无线耳机", "主动降噪，续航三十小时，适合通勤", "电子产品 > 音频", "39.90"));
        items.add(zh("zh-2", "头戴式耳机", "有线耳机，高保真音质", "电子产品 > 音频", "59.00"));
        items.add(zh("zh-3", "不锈钢炒锅", "三十二厘米炒锅，适合电磁炉", "厨房 > 锅具", "129.00"));
        items.add(zh("zh-4", "儿童绘本故事书", "适合三到六岁的孩子", "图书 > 童书", "25.00"));
        items.add(zh("zh-5", "蓝牙音箱", "便携式无线音箱，防水", "电子产品 > 音频", "99.00"));
        return items;
    }

    static Item zh(String id, String title, String description, String category, String price) {
        return new Item(id, title, description, category, new BigDecimal(price), "CNY", true, "zh-Hans-CN", Map.of(),
                "小米");
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture(dir, catalogue(), TestConfig.defaults());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private List<String> text(String query, ItemFilter filter) {
        return fx.text().candidates(new CandidateQuery(null, query, 10, filter)).stream().map(Candidate::itemId)
                .toList();
    }

    @Test
    void smartcnSegmentsWordsInTheChineseFields() throws IOException {
        List<String> tokens = new ArrayList<>();
        try (TokenStream ts = fx.index.analyzer().tokenStream(ItemIndex.F_TITLE_ZH, "我想买蓝牙耳机")) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                tokens.add(term.toString());
            }
            ts.end();
        }
        // 耳机 is in smartcn's dictionary and stays one word; 蓝牙 is not and falls apart into characters, which
        // still match because documents are segmented the same way.
        assertTrue(tokens.contains("耳机"), "words, not single characters: " + tokens);
        assertFalse(tokens.contains("机"), tokens.toString());
        assertEquals("title_zh", ItemIndex.textField(ItemIndex.F_TITLE, "zh-Hans-CN"));
        assertEquals("title", ItemIndex.textField(ItemIndex.F_TITLE, "en-GB"));
        IndexedItem item = fx.index.lookup(List.of("zh-1")).get("zh-1");
        assertEquals("zh", item.language());
        assertTrue(item.chinese());
    }

    @Test
    void chineseQueriesFindChineseItemsByWord() {
        List<String> earphones = text("耳机", ItemFilter.DEFAULT);
        assertEquals(Set.of("zh-1", "zh-2"), Set.copyOf(earphones));
        List<String> bluetooth = text("蓝牙耳机", ItemFilter.DEFAULT);
        assertEquals("zh-1", bluetooth.get(0), "both words beat one: " + bluetooth);
        assertTrue(bluetooth.containsAll(List.of("zh-2", "zh-5")), bluetooth.toString());
        // A word that only the description and category hold.
        assertEquals(List.of("zh-3"), text("电磁炉", ItemFilter.DEFAULT));
        // Single characters shared by unrelated words do not match: 书 (book) is no word of 书包 here.
        assertTrue(text("书包", ItemFilter.DEFAULT).isEmpty());
    }

    @Test
    void englishAndChineseStaySeparateAndFiltersApply() {
        List<String> english = text("wireless headphones", ItemFilter.DEFAULT);
        assertFalse(english.isEmpty());
        assertTrue(english.stream().noneMatch(id -> id.startsWith("zh-")), english.toString());
        ItemFilter cheap = new ItemFilter("电子产品", Set.of(), true, false, Set.of("小米"), null,
                new BigDecimal("60"));
        assertEquals(Set.of("zh-1", "zh-2"), Set.copyOf(text("耳机 音箱", cheap)));
    }

    @Test
    void historyQueryOfAChineseShopperUsesTheChineseFields() {
        fx.event(EventType.VIEW, "li", "zh-1", Fixture.T0.minus(Duration.ofMinutes(5)));
        List<String> found = fx.text().candidates(new CandidateQuery("li", null, 10, ItemFilter.DEFAULT)).stream()
                .map(Candidate::itemId).toList();
        assertFalse(found.contains("zh-1"), "seen items are left out");
        assertTrue(found.containsAll(List.of("zh-2", "zh-5")), "items sharing 耳机 or 蓝牙: " + found);
        assertTrue(found.stream().allMatch(id -> id.startsWith("zh-")), found.toString());
    }

    @Test
    void searchAndMoreLikeThisWorkInChinese() {
        LuceneItemSearch search = new LuceneItemSearch(fx.index, fx.text(), fx.semantic());
        search.activate(fx.config);
        SearchResult r = search.search("炒锅", 5, null);
        assertEquals("zh-3", r.items().get(0).itemId());
        SearchResult similar = search.similar("zh-2", 5);
        assertEquals("zh-1", similar.items().get(0).itemId(), "shares 耳机 with zh-2");
    }
}
