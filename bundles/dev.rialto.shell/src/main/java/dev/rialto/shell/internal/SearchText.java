package dev.rialto.shell.internal;

import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.api.retrieval.ItemNotFoundException;
import dev.rialto.api.retrieval.ItemSearch;
import dev.rialto.api.retrieval.SearchResult;
import java.util.List;
import java.util.Set;

/** The logic of {@code rialto:search} and {@code rialto:similar}: calls the search façade, renders the table. */
final class SearchText {

    static final List<String> HEADER = List.of("#", "item", "title", "category", "score", "sources");
    static final String UNAVAILABLE = "Search: " + Format.NOT_AVAILABLE + " (is the rialto-retrieval feature installed?)\n";

    private SearchText() {
    }

    /**
     * @throws IllegalArgumentException when the arguments are invalid (blank query, n out of range); the message
     *                                  names the argument
     */
    static String search(ItemSearch search, List<String> words, int n, String categoryPrefix) {
        return searchFiltered(search, words, n, new ItemFilter(categoryPrefix, Set.of(), true, false));
    }

    static String searchFiltered(ItemSearch search, List<String> words, int n, ItemFilter filter) {
        if (search == null) {
            return UNAVAILABLE;
        }
        String query = words == null ? "" : String.join(" ", words).strip();
        return table("Search results for \"" + query + "\"", search.search(query, n, filter));
    }

    static String similar(ItemSearch search, String itemId, int n) {
        if (search == null) {
            return UNAVAILABLE;
        }
        try {
            return table("Items similar to " + itemId, search.similar(itemId, n));
        } catch (ItemNotFoundException e) {
            return "Unknown item: " + e.itemId() + "\n";
        }
    }

    static String table(String title, SearchResult result) {
        StringBuilder out = new StringBuilder(title).append('\n');
        if (result.items().isEmpty()) {
            return out.append("No items.\n").toString();
        }
        TextTable table = new TextTable(HEADER, 0, 0, 48, 40, 0, 0);
        int rank = 0;
        for (RecommendedItem item : result.items()) {
            table.row(Integer.toString(++rank), item.itemId(), item.title(), item.category(),
                    Format.score(item.score()), RecommendationText.sources(item.sources()));
        }
        return out.append(table.render()).toString();
    }
}
