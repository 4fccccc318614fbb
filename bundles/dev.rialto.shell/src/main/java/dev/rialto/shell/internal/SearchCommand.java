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

/** {@code rialto:search [-n N] [--category PREFIX] QUERY...}. */
@Service
@Command(scope = "rialto", name = "search", description = "Hybrid search (BM25 + semantic) over available items.")
public class SearchCommand implements Action {

    @Argument(index = 0, name = "query", description = "The search words", required = true, multiValued = true)
    private List<String> query;

    @Option(name = "-n", aliases = "--count", description = "How many items (1 to 1000)")
    private int n = 10;

    @Option(name = "--category", description = "Only items whose category path starts with this prefix")
    private String category;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ItemSearch search;

    @Override
    public Object execute() {
        session.getConsole().print(SearchText.search(search, query, n, category));
        return null;
    }
}
