package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.SourceHit;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.retrieval.ItemNotFoundException;
import dev.rialto.api.retrieval.ItemSearch;
import dev.rialto.api.retrieval.SearchResult;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.api.Test;

class SearchTextTest {

    private String query;
    private int n;
    private ItemFilter filter;

    private final ItemSearch fake = new ItemSearch() {
        @Override
        public SearchResult search(String q, int count, ItemFilter f) {
            if (q.isBlank()) {
                throw new IllegalArgumentException("query must not be blank");
            }
            query = q;
            n = count;
            filter = f;
            return new SearchResult(q, List.of(
                    new RecommendedItem("i00042", "Sonara Wireless Over-Ear Headphones SN-204", "Electronics > Headphones",
                            0.0325, List.of(new SourceHit("text", 1, 7.2), new SourceHit("semantic", 2, 0.9)), 0.0325,
                            null, null)));
        }

        @Override
        public SearchResult similar(String itemId, int count) {
            if (!itemId.equals("i00042")) {
                throw new ItemNotFoundException(itemId);
            }
            n = count;
            return new SearchResult(itemId, List.of());
        }
    };

    @Test
    void searchJoinsTheWordsAndPrintsOneRowPerItem() {
        String text = SearchText.search(fake, List.of("wireless", "headphones"), 5, "Electronics");
        assertEquals("wireless headphones", query);
        assertEquals(5, n);
        assertEquals("Electronics", filter.categoryPrefix());
        assertTrue(filter.availableOnly());
        List<String> lines = text.lines().toList();
        assertEquals("Search results for \"wireless headphones\"", lines.get(0));
        assertTrue(lines.get(1).startsWith("#  item    title"), lines.get(1));
        assertTrue(lines.get(3).startsWith("1  i00042  Sonara Wireless Over-Ear Headphones SN-204"), lines.get(3));
        assertTrue(lines.get(3).endsWith("0.0325  text#1 semantic#2"), lines.get(3));
        assertThrows(IllegalArgumentException.class, () -> SearchText.search(fake, List.of(" "), 5, null));
    }

    @Test
    void similarSaysWhenThereAreNoItemsOrTheItemIsUnknown() {
        assertEquals("Items similar to i00042\nNo items.\n", SearchText.similar(fake, "i00042", 3));
        assertEquals(3, n);
        assertEquals("Unknown item: nope\n", SearchText.similar(fake, "nope", 3));
    }

    @Test
    void withoutTheServiceTheCommandsSaySo() {
        assertTrue(SearchText.search(null, List.of("x"), 5, null).contains("not available"));
        assertTrue(SearchText.similar(null, "x", 5).contains("not available"));
    }

    @Test
    void commandsAreKarafServicesWithOptionalReferences() throws Exception {
        for (Class<?> type : List.of(SearchCommand.class, SimilarCommand.class)) {
            assertNotNull(type.getAnnotation(Service.class));
            assertEquals("rialto", type.getAnnotation(Command.class).scope());
            assertNotNull(type.getConstructor().newInstance());
            for (java.lang.reflect.Field f : type.getDeclaredFields()) {
                Reference r = f.getAnnotation(Reference.class);
                if (r != null && f.getType().getName().startsWith("dev.rialto.")) {
                    assertTrue(r.optional(), type.getSimpleName() + "." + f.getName());
                }
                Option o = f.getAnnotation(Option.class);
                if (o != null && o.name().equals("-n")) {
                    assertEquals("--count", o.aliases()[0]);
                }
            }
        }
        assertEquals("search", SearchCommand.class.getAnnotation(Command.class).name());
        assertEquals("similar", SimilarCommand.class.getAnnotation(Command.class).name());
    }
}
