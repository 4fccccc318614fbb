package dev.rialto.shell.internal;

import dev.rialto.api.scoring.ModelRegistry;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:model-info NAME [VERSION]}. */
@Service
@Command(scope = "rialto", name = "model-info", description = "Shows a model's card: features, metrics and "
        + "baselines; of the active version unless a version is given.")
public class ModelInfoCommand implements Action {

    @Argument(index = 0, name = "name", description = "The model name, for example ranker", required = true)
    private String name;

    @Argument(index = 1, name = "version", description = "The version (default: the active one)")
    private String version;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ModelRegistry registry;

    @Override
    public Object execute() {
        session.getConsole().print(ModelText.info(registry, name, version));
        return null;
    }
}
