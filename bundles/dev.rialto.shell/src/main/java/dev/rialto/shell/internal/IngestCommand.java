package dev.rialto.shell.internal;

import dev.rialto.api.ingest.FileIngestor;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:ingest FILE [--mapping NAME]}. */
@Service
@Command(scope = "rialto", name = "ingest", description = "Ingests one file (CSV, TSV or JSON Lines, optionally"
        + " gzipped) as the file-drop routes do, with a progress bar; rejected records become dead letters.")
public class IngestCommand implements Action {

    @Argument(index = 0, name = "file", description = "The file, relative to the Karaf home or absolute",
            required = true)
    private String file;

    @Option(name = "--mapping", aliases = "-m", description = "items, events, profiles or a mapping name;"
            + " default: the inbox folder the file is in, or the start of its name")
    private String mapping;

    @Reference
    private Session session;

    @Reference(optional = true)
    private FileIngestor ingestor;

    @Override
    public Object execute() {
        Path path = Path.of(file);
        String home = System.getProperty("karaf.home");
        if (!path.isAbsolute() && home != null) {
            path = Path.of(home).resolve(path); // as documented: relative to the Karaf home, wherever it started
        }
        IngestText.ingest(ingestor, path, mapping, session.getConsole());
        return null;
    }
}
