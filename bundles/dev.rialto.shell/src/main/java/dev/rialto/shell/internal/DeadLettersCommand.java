package dev.rialto.shell.internal;

import dev.rialto.api.ingest.IngestJournal;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:dead-letters [--source S] [-n N]}. */
@Service
@Command(scope = "rialto", name = "dead-letters", description = "Rejected records, newest first: source, file,"
        + " line, field, reason and the raw record.")
public class DeadLettersCommand implements Action {

    @Option(name = "--source", aliases = "-s", description = "Only this source (events, online-retail,"
            + " http:events:NAME, kafka:TOPIC, ...)")
    private String source;

    @Option(name = "-n", aliases = "--count", description = "How many (default 50)")
    private int n = 50;

    @Reference
    private Session session;

    @Reference(optional = true)
    private IngestJournal journal;

    @Override
    public Object execute() {
        session.getConsole().print(IngestText.deadLetters(journal, source, n));
        return null;
    }
}
