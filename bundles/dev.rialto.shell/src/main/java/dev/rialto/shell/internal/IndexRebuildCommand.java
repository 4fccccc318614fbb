package dev.rialto.shell.internal;

import dev.rialto.api.retrieval.IndexAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:index-rebuild}: waits for the rebuild and draws its progress; Ctrl-C cancels it. */
@Service
@Command(scope = "rialto", name = "index-rebuild", description = "Re-indexes every item of the store while "
        + "searches keep working, with a progress bar; removes documents whose item left the store.")
public class IndexRebuildCommand implements Action {

    @Reference
    private Session session;

    @Reference(optional = true)
    private IndexAdmin admin;

    @Override
    public Object execute() {
        IndexText.rebuild(admin, session.getConsole());
        return null;
    }
}
