package dev.rialto.shell.internal;

import dev.rialto.api.models.EvaluationHistory;
import dev.rialto.api.models.EvaluationReport;
import java.util.ArrayList;
import java.util.List;

/** The logic of {@code rialto:model-evaluations}: one row per kept training run, contenders side by side. */
final class EvaluationText {

    static final String NO_HISTORY = "Evaluation history: " + Format.NOT_AVAILABLE
            + " (is the rialto-training feature installed?)\n";
    private static final List<String> CONTENDERS = List.of(EvaluationReport.MODEL, EvaluationReport.LIVE,
            EvaluationReport.POPULARITY, EvaluationReport.ITEM_KNN, EvaluationReport.BUY_AGAIN);

    private EvaluationText() {
    }

    /**
     * @param metric the metric to show per contender, or null for each run's promote metric
     */
    static String list(EvaluationHistory history, String model, int limit, String metric) {
        if (history == null) {
            return NO_HISTORY;
        }
        try {
            List<EvaluationReport> reports = history.evaluations(model, limit);
            if (reports.isEmpty()) {
                return "No kept evaluation of model '" + model + "'.\n";
            }
            List<String> header = new ArrayList<>(List.of("STARTED", "STATUS", "VERSION", "METRIC"));
            CONTENDERS.forEach(c -> header.add(c.toUpperCase(java.util.Locale.ROOT)));
            header.add("WINNER");
            TextTable table = new TextTable(header, 0, 0, 20, 14, 0, 0, 0, 0, 0, 10);
            for (EvaluationReport report : reports) {
                String shown = metric != null ? metric : report.promoteMetric();
                List<String> row = new ArrayList<>(List.of(Format.instant(report.startedAt()),
                        report.status().name(), report.version() == null ? "-" : report.version(),
                        shown == null ? "-" : shown));
                for (String contender : CONTENDERS) {
                    row.add(shown == null ? "-" : Format.score(report.value(contender, shown)));
                }
                row.add(report.winner() == null ? "-" : report.winner());
                table.row(row.toArray(String[]::new));
            }
            StringBuilder out = new StringBuilder(table.render());
            EvaluationReport newest = reports.get(0);
            if (EvaluationReport.LIVE_CARD.equals(newest.liveSource())) {
                out.append("Note: the newest run could not score the live model again; its numbers come from its card.\n");
            }
            if (!newest.message().isEmpty()) {
                out.append("Newest run: ").append(newest.message()).append('\n');
            }
            return out.toString();
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
    }
}
