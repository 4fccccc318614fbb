package dev.rialto.shell.internal;

import dev.rialto.api.scoring.ModelRegistry;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:model-rollback NAME}. */
@Service
@Command(scope = "rialto", name = "model-rollback", description = "Serves the previous valid version of a model "
        + "and keeps it until a newer version than the rolled-back one is dropped in.")
public class ModelRollbackCommand implements Action {

    @Argument(index = 0, name = "name", description = "The model name, for example ranker", required = true)
    private String name;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ModelRegistry registry;

    @Override
    public Object execute() {
        session.getConsole().print(ModelText.rollback(registry, name));
        return null;
    }
}
