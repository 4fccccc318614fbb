package dev.rialto.shell.internal;

import dev.rialto.api.retrieval.ItemSearch;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:search [-n N] [--category PREFIX] [--brand B]... [--min-price X] [--max-price Y] QUERY...}. */
@Service
@Command(scope = "rialto", name = "search", description = "Hybrid search (BM25 + semantic) over available items.")
public class SearchCommand implements Action {

    @Argument(index = 0, name = "query", description = "The search words", required = true, multiValued = true)
    private List<String> query;

    @Option(name = "-n", aliases = "--count", description = "How many items (1 to 1000)")
    private int n = 10;

    @Option(name = "--category", description = "Only items whose category path starts with this prefix")
    private String category;

    @Option(name = "--brand", description = "Only items of this brand (repeat, or separate with commas)",
            multiValued = true)
    private List<String> brands;

    @Option(name = "--min-price", description = "Only items priced at least this")
    private String minPrice;

    @Option(name = "--max-price", description = "Only items priced at most this")
    private String maxPrice;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ItemSearch search;

    @Override
    public Object execute() {
        session.getConsole().print(SearchText.searchFiltered(search, query, n,
                FilterOptions.filter(category, brands, minPrice, maxPrice, false)));
        return null;
    }
}
