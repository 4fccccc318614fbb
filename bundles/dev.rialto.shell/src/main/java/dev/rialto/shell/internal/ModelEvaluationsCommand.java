package dev.rialto.shell.internal;

import dev.rialto.api.models.EvaluationHistory;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/** {@code rialto:model-evaluations}. */
@Service
@Command(scope = "rialto", name = "model-evaluations", description = "Shows the kept evaluation of each training "
        + "run: the new model, the live model and the baselines on the same split, and which won.")
public class ModelEvaluationsCommand implements Action {

    @Reference
    private Session session;

    @Reference(optional = true)
    private EvaluationHistory history;

    @Argument(index = 0, name = "model", description = "The model name", required = false)
    private String model = "ranker";

    @Option(name = "-n", aliases = "--count", description = "How many runs, newest first (default 10)")
    private int count = 10;

    @Option(name = "--metric", description = "The metric to show (default: each run's promote metric), "
            + "e.g. auc, hr@10, ndcg@10, hr@10.full, ndcg@10.full, ece")
    private String metric;

    @Override
    public Object execute() {
        if (count < 1) {
            session.getConsole().println("error: -n must be at least 1");
            return null;
        }
        session.getConsole().print(EvaluationText.list(history, model, count, metric));
        return null;
    }
}
