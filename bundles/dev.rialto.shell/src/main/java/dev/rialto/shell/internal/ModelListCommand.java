package dev.rialto.shell.internal;

import dev.rialto.api.scoring.ModelRegistry;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:model-list}. */
@Service
@Command(scope = "rialto", name = "model-list", description = "Lists every valid model version (active ones "
        + "marked *) with key metrics, and the refused versions with the reason.")
public class ModelListCommand implements Action {

    @Reference
    private Session session;

    @Reference(optional = true)
    private ModelRegistry registry;

    @Override
    public Object execute() {
        session.getConsole().print(ModelText.list(registry));
        return null;
    }
}
