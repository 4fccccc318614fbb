package dev.rialto.shell.internal;

import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.models.ModelTrainer;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.profiles.ProfileRepository;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The logic of {@code rialto:status}. Every service may be missing (null): its section then says
 * "not available". A service that fails is reported with its error instead of failing the whole command.
 */
final class StatusText {

    /** One Rialto bundle as the status shows it. */
    record BundleRow(long id, String symbolicName, String version, String state) {
    }

    /** The services the status reads; any of them may be null. */
    record Services(ItemRepository items, EventRepository events, ProfileRepository profiles,
            InterestScorer scorer, ModelTrainer trainer) {
    }

    private StatusText() {
    }

    static String render(List<BundleRow> bundles, Services services) {
        StringBuilder out = new StringBuilder();
        out.append("Bundles\n");
        if (bundles.isEmpty()) {
            out.append("  no dev.rialto bundles installed\n");
        } else {
            TextTable table = new TextTable(List.of("id", "state", "bundle", "version"));
            for (BundleRow b : bundles) {
                table.row(Long.toString(b.id()), b.state(), b.symbolicName(), b.version());
            }
            indent(out, table.render());
        }

        out.append("Store\n");
        count(out, "items", services.items() == null ? null : services.items()::count);
        count(out, "events", services.events() == null ? null : services.events()::count);
        count(out, "profiles", services.profiles() == null ? null : services.profiles()::count);

        out.append("Model\n");
        model(out, services.scorer());

        out.append("Last training\n");
        training(out, services.trainer());
        return out.toString();
    }

    private static void count(StringBuilder out, String name, LongSupplier count) {
        String value;
        if (count == null) {
            value = Format.NOT_AVAILABLE;
        } else {
            try {
                value = Long.toString(count.getAsLong());
            } catch (RuntimeException e) {
                value = "error: " + e.getMessage();
            }
        }
        out.append(String.format("  %-10s %s\n", name, value));
    }

    private static void model(StringBuilder out, InterestScorer scorer) {
        if (scorer == null) {
            out.append("  interest scorer ").append(Format.NOT_AVAILABLE).append('\n');
            return;
        }
        Optional<ModelInfo> active;
        try {
            active = scorer.activeModel();
        } catch (RuntimeException e) {
            out.append("  error: ").append(e.getMessage()).append('\n');
            return;
        }
        if (active.isEmpty()) {
            out.append("  no model loaded\n");
            return;
        }
        ModelInfo model = active.get();
        out.append(String.format("  %-10s %s@%s\n", "active", model.name(), model.version()));
        out.append(String.format("  %-10s %s\n", "trained", Format.instant(model.trainedAt())));
        out.append(String.format("  %-10s %s\n", "loaded", Format.instant(model.loadedAt())));
        out.append(String.format("  %-10s %d\n", "features", model.features().size()));
        out.append(String.format("  %-10s %s\n", "metrics", Format.metrics(model.metrics())));
    }

    private static void training(StringBuilder out, ModelTrainer trainer) {
        if (trainer == null) {
            out.append("  model trainer ").append(Format.NOT_AVAILABLE).append('\n');
            return;
        }
        Optional<TrainingReport> last;
        try {
            last = trainer.lastReport();
        } catch (RuntimeException e) {
            out.append("  error: ").append(e.getMessage()).append('\n');
            return;
        }
        if (last.isEmpty()) {
            out.append("  none since start\n");
        } else {
            indent(out, TrainingText.report(last.get()));
        }
    }

    private static void indent(StringBuilder out, String text) {
        for (String line : text.split("\n")) {
            out.append("  ").append(line).append('\n');
        }
    }
}
