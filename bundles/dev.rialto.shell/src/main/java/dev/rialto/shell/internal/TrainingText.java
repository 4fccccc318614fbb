package dev.rialto.shell.internal;

import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.models.TrainingReport;

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
