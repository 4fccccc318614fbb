package dev.rialto.shell.internal;

import dev.rialto.api.models.ModelTrainer;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:train [--force]}: trains now, in the console's thread, and prints the report. */
@Service
@Command(scope = "rialto", name = "train", description = "Trains the ranker from the store's events now and "
        + "promotes it when it beats the live model.")
public class TrainCommand implements Action {

    @Option(name = "--force", aliases = "-f", description = "Train even when no event arrived since the last run")
    private boolean force;

    @Reference
    private Session session;

    @Reference(optional = true)
    private ModelTrainer trainer;

    @Override
    public Object execute() {
        session.getConsole().print(TrainingText.train(trainer, force));
        return null;
    }
}
