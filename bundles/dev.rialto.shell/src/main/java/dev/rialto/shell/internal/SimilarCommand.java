package dev.rialto.shell.internal;

import dev.rialto.api.retrieval.ItemSearch;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:similar [-n N] ITEM}. */
@Service
@Command(scope = "rialto", name = "similar", description = "Items most like one item (by its text embedding).")
public class SimilarCommand implements Action {

    @Argument(index = 0, name = "item", description = "The item id", required = true)
    private String item;

    @Option(name = "-n", aliases = "--count", description = "How many items (1 to 1000)")
    private int n = 10;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ItemSearch search;

    @Override
    public Object execute() {
        session.getConsole().print(SearchText.similar(search, item, n));
        return null;
    }
}
