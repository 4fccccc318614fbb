package dev.rialto.shell.internal;

import dev.rialto.api.models.TrainingService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code rialto:train [--force] [--model NAME]}: trains now, in the console's thread, with a progress bar, and
 * prints each model's report.
 */
@Service
@Command(scope = "rialto", name = "train", description = "Trains the models from the store's events now (the ranker "
        + "and the behaviour embeddings, or the one --model names), with a progress bar; promotes or publishes a "
        + "model only when it beats the live one (the ranker) or popularity (the behaviour embeddings).")
public class TrainCommand implements Action {

    @Option(name = "--force", aliases = "-f", description = "Train even when no event arrived since the last run")
    private boolean force;

    @Option(name = "--model", aliases = "-m", description = "Train only this model (see the trainable names in the "
            + "error message of an unknown name)")
    private String model;

    @Reference
    private Session session;

    @Reference(optional = true)
    private TrainingService trainer;

    @Override
    public Object execute() {
        TrainingText.train(trainer, model, force, session.getConsole());
        return null;
    }
}
