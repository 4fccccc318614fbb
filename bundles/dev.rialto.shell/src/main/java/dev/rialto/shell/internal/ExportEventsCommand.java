package dev.rialto.shell.internal;

import dev.rialto.api.events.EventRepository;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:export-events [--from T] [--to T] FILE}: the store's events as an ingest-compatible CSV. */
@Service
@Command(scope = "rialto", name = "export-events", description = "Writes the store's events, in time order, to a "
        + "CSV file (id,type,user,item,quantity,timestamp,query; the format inbox/events reads), for offline "
        + "training such as models/sequence/. Ends in .gz: gzipped.")
public class ExportEventsCommand implements Action {

    @Argument(index = 0, name = "file", description = "The file to write (replaced if it exists)", required = true)
    private String file;

    @Option(name = "--from", description = "Only events at or after this ISO-8601 instant")
    private String from;

    @Option(name = "--to", description = "Only events before this ISO-8601 instant")
    private String to;

    @Reference
    private Session session;

    @Reference(optional = true)
    private EventRepository events;

    @Override
    public Object execute() {
        session.getConsole().print(EventExport.export(events, file, from, to));
        return null;
    }
}
