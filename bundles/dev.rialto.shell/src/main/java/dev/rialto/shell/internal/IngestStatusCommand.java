package dev.rialto.shell.internal;

import dev.rialto.api.ingest.IngestJournal;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:ingest-status}. */
@Service
@Command(scope = "rialto", name = "ingest-status", description = "Per ingestion source: files, records stored,"
        + " duplicates and rejected, the last ingestion and the last error.")
public class IngestStatusCommand implements Action {

    @Reference
    private Session session;

    @Reference(optional = true)
    private IngestJournal journal;

    @Override
    public Object execute() {
        session.getConsole().print(IngestText.status(journal));
        return null;
    }
}
