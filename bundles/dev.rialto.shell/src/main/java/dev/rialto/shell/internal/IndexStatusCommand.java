package dev.rialto.shell.internal;

import dev.rialto.api.retrieval.IndexAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:index-status [--check]}. */
@Service
@Command(scope = "rialto", name = "index-status", description = "Shows the item index: documents, segments, lag "
        + "behind the store, vectors per model, last commit and update, a running rebuild.")
public class IndexStatusCommand implements Action {

    @Option(name = "--check", aliases = "-c", description = "Compare the index's ids with the store's, one by one")
    private boolean check;

    @Reference
    private Session session;

    @Reference(optional = true)
    private IndexAdmin admin;

    @Override
    public Object execute() {
        session.getConsole().print(IndexText.status(admin, check));
        return null;
    }
}
