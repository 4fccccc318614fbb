package dev.rialto.shell.internal;

import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelRefusal;
import dev.rialto.api.scoring.ModelRegistry;
import java.util.List;
import java.util.Optional;

/** The logic of {@code rialto:model-list}, {@code rialto:model-info} and {@code rialto:model-rollback}. */
final class ModelText {

    static final String NO_REGISTRY = "Model registry: " + Format.NOT_AVAILABLE
            + " (is the rialto-scoring feature installed?)\n";

    private ModelText() {
    }

    /** Every valid version (active ones marked {@code *}) with its key metrics, then the refused versions. */
    static String list(ModelRegistry registry) {
        if (registry == null) {
            return NO_REGISTRY;
        }
        try {
            List<ModelInfo> models = registry.models();
            List<ModelRefusal> refusals = registry.refusals();
            StringBuilder out = new StringBuilder();
            if (models.isEmpty()) {
                out.append("No valid model in the models folder.\n");
            } else {
                TextTable table = new TextTable(List.of("NAME", "VERSION", "ACTIVE", "TRAINED AT", "LOADED AT", "AUC",
                        "NDCG@10"), 24, 0, 0, 0, 0, 0, 0);
                for (ModelInfo model : models) {
                    table.row(model.name(), model.version(), isActive(registry, model) ? "*" : "",
                            Format.instant(model.trainedAt()), Format.instant(model.loadedAt()),
                            Format.score(model.metrics().get("auc")), Format.score(model.metrics().get("ndcg@10")));
                }
                out.append(table.render());
            }
            if (!refusals.isEmpty()) {
                out.append("\nRefused versions:\n");
                TextTable table = new TextTable(List.of("NAME", "VERSION", "FIELD", "REASON"), 24, 0, 40, 100);
                for (ModelRefusal refusal : refusals) {
                    table.row(refusal.name(), refusal.version(), refusal.field(), refusal.reason());
                }
                out.append(table.render());
            }
            return out.toString();
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
    }

    /** The card of one version; without a version, of the active one. */
    static String info(ModelRegistry registry, String name, String version) {
        if (registry == null) {
            return NO_REGISTRY;
        }
        try {
            Optional<ModelInfo> found = version == null ? registry.active(name)
                    : registry.models().stream().filter(m -> m.name().equals(name) && m.version().equals(version))
                            .findFirst();
            if (found.isEmpty()) {
                String refused = registry.refusals().stream()
                        .filter(r -> r.name().equals(name) && (version == null || r.version().equals(version)))
                        .map(r -> "\n  refused " + r.version() + ": " + r.reason()).reduce("", String::concat);
                return (version == null ? "No model '" + name + "' is active."
                        : "No valid version " + version + " of model '" + name + "'.") + refused + "\n";
            }
            ModelInfo model = found.get();
            StringBuilder out = new StringBuilder();
            field(out, "Model", model.name() + "@" + model.version()
                    + (isActive(registry, model) ? " (active)" : " (not active)"));
            field(out, "Trained", Format.instant(model.trainedAt()));
            field(out, "Loaded", Format.instant(model.loadedAt()));
            field(out, "Metrics", Format.metrics(model.metrics()));
            field(out, "Baselines", Format.metrics(registry.baselines(model.name(), model.version())));
            field(out, "Features", String.valueOf(model.features().size()));
            for (int i = 0; i < model.features().size(); i++) {
                out.append(String.format("  %3d  %s\n", i, model.features().get(i)));
            }
            return out.toString();
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
    }

    static String rollback(ModelRegistry registry, String name) {
        if (registry == null) {
            return NO_REGISTRY;
        }
        String before = registry.active(name).map(m -> m.name() + "@" + m.version()).orElse(null);
        try {
            ModelInfo now = registry.rollback(name);
            return "Rolled back " + (before == null ? "'" + name + "'" : before) + ": " + now.name() + "@"
                    + now.version() + " is active now.\n";
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
    }

    private static boolean isActive(ModelRegistry registry, ModelInfo model) {
        return registry.active(model.name()).map(a -> a.version().equals(model.version())).orElse(false);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(String.format("%-10s %s\n", name, value));
    }
}
