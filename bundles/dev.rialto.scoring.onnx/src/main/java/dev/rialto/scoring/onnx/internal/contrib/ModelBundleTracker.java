package dev.rialto.scoring.onnx.internal.contrib;

import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import java.net.URL;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender for models carried by bundles: every ACTIVE bundle with {@code META-INF/rialto/models/<name>/}
 * ({@code model.json} and {@code model.onnx}) has them installed into the registry's models folder; they are
 * removed when the bundle stops. The registry rescans right away in both cases.
 */
@Component(immediate = true)
public final class ModelBundleTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ModelBundleTracker.class);

    private final OnnxModelRegistry registry;
    private ContributedModels contributions;
    private BundleTracker<Long> tracker;

    @Activate
    public ModelBundleTracker(@Reference(name = "registry") OnnxModelRegistry registry) {
        this.registry = registry;
    }

    @Activate
    void activate(BundleContext context) {
        Path dir = registry.modelsDir();
        contributions = new ContributedModels(dir);
        tracker = new BundleTracker<>(context, Bundle.ACTIVE, null) {
            @Override
            public Long addingBundle(Bundle bundle, BundleEvent event) {
                Map<String, ContributedModels.Source> models = models(bundle);
                if (models.isEmpty()) {
                    return null; // not tracked: nothing to remove later
                }
                if (!contributions.add(contributor(bundle), models).isEmpty()) {
                    registry.scan();
                }
                return bundle.getBundleId();
            }

            @Override
            public void removedBundle(Bundle bundle, BundleEvent event, Long id) {
                if (!contributions.remove(id).isEmpty()) {
                    registry.scan();
                }
            }
        };
        tracker.open();
        Set<Long> tracked = new HashSet<>();
        Map<Bundle, Long> current = tracker.getTracked();
        current.values().forEach(tracked::add);
        if (!contributions.sweep(tracked).isEmpty()) {
            registry.scan();
        }
        LOG.debug("Contributed models: {} bundles carry models into {}", tracked.size(), dir);
    }

    @Deactivate
    void deactivate() {
        if (tracker != null) {
            // Closing calls removedBundle for each: the contributed folders go with the registry's session.
            tracker.close();
            tracker = null;
        }
    }

    static ContributedModels.Contributor contributor(Bundle bundle) {
        return new ContributedModels.Contributor(bundle.getBundleId(), bundle.getSymbolicName(),
                String.valueOf(bundle.getVersion()));
    }

    /** Model name to its files, for every {@code META-INF/rialto/models/<name>/model.json} in the bundle itself. */
    static Map<String, ContributedModels.Source> models(Bundle bundle) {
        Map<String, ContributedModels.Source> out = new TreeMap<>();
        // getEntry / findEntries read the bundle's own jar (no class loading, no fragments' imports).
        Enumeration<URL> cards = bundle.findEntries(ContributedModels.PREFIX, ContributedModels.CARD, true);
        if (cards == null) {
            return out;
        }
        while (cards.hasMoreElements()) {
            String path = cards.nextElement().getPath();
            int at = path.indexOf(ContributedModels.PREFIX);
            String rest = at < 0 ? "" : path.substring(at + ContributedModels.PREFIX.length());
            List<String> parts = List.of(rest.split("/"));
            if (parts.size() != 2) {
                continue; // only <name>/model.json
            }
            String name = parts.get(0);
            String base = ContributedModels.PREFIX + name + "/";
            out.put(name, file -> {
                URL url = bundle.getEntry(base + file);
                if (url == null) {
                    throw new java.io.FileNotFoundException(base + file + " is missing in bundle "
                            + bundle.getSymbolicName());
                }
                return url.openStream();
            });
        }
        return out;
    }
}
