package dev.rialto.shell.internal;

import dev.rialto.api.privacy.PrivacyService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:profile-forget ID}. */
@Service
@Command(scope = "rialto", name = "profile-forget", description = "Deletes a user's profile, events and dead"
        + " letters, and tells the index and counters. ID is the raw id or the stored one.")
public class ProfileForgetCommand implements Action {

    @Argument(index = 0, name = "id", description = "The user id as the sources send it, or the stored pseudonym",
            required = true)
    private String id;

    @Reference
    private Session session;

    @Reference(optional = true)
    private PrivacyService privacy;

    @Override
    public Object execute() {
        session.getConsole().print(IngestText.forget(privacy, id));
        return null;
    }
}
