package dev.rialto.shell.internal;

import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingService;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The logic of {@code rialto:train}: runs the trainer and renders its report. */
final class TrainingText {

    private TrainingText() {
    }

    static String train(ModelTrainer trainer, boolean force) {
        if (trainer == null) {
            return "Model trainer: " + Format.NOT_AVAILABLE + " (is the rialto-training feature installed?)\n";
        }
        return report(trainer.train(force));
    }

    static final int BAR_WIDTH = 30;
    static final String MISSING = "Model trainer: " + Format.NOT_AVAILABLE
            + " (is the rialto-training feature installed?)\n";

    /**
     * Trains and draws one progress bar per model in place ({@code \r}, redrawn only when it changes), then prints
     * each report; a bad model name or a failure is printed as an error line.
     */
    static void train(TrainingService trainer, String model, boolean force, PrintStream console) {
        if (trainer == null) {
            console.print(MISSING);
            console.flush();
            return;
        }
        String[] last = {null};
        try {
            List<TrainingReport> reports = trainer.train(model, force, (name, stage, fraction) -> {
                String line = bar(name, stage, fraction);
                if (!line.equals(last[0])) {
                    console.print("\r" + line + (last[0] != null && last[0].length() > line.length()
                            ? " ".repeat(last[0].length() - line.length()) : ""));
                    console.flush();
                    last[0] = line;
                }
            });
            if (last[0] != null) {
                console.print("\n");
            }
            for (int i = 0; i < reports.size(); i++) {
                console.print((i == 0 ? "" : "\n") + report(reports.get(i)));
            }
        } catch (RuntimeException e) {
            console.print((last[0] == null ? "" : "\n") + "error: " + e.getMessage() + "\n");
        }
        console.flush();
    }

    /** {@code ranker      [#########.....................]  31% evaluation}. */
    static String bar(String model, String stage, double fraction) {
        double f = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.floor(f * BAR_WIDTH);
        return String.format(Locale.ROOT, "%-16s [%s%s] %3d%% %s", model, "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled), (int) Math.floor(f * 100), stage);
    }

    static String report(TrainingReport report) {
        StringBuilder out = new StringBuilder();
        field(out, "Status", report.status().name());
        field(out, "Model", report.version() == null ? report.modelName()
                : report.modelName() + "@" + report.version());
        field(out, "Started", Format.instant(report.startedAt()));
        field(out, "Duration", Format.duration(report.startedAt(), report.finishedAt()));
        field(out, "Rows", "train " + report.trainRows() + ", test " + report.testRows());
        field(out, "Metrics", Format.metrics(report.metrics()));
        field(out, "Baselines", Format.metrics(report.baselines()));
        field(out, "Message", report.message().isEmpty() ? "-" : report.message());
        return out.toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(String.format("%-10s %s\n", name, value));
    }
}
