package dev.rialto.content.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender for {@code META-INF/rialto/templates/}: a bundle's templates join the catalogue while it is active
 * (or starting lazily) and leave when it stops, so a template bundle can be installed or updated at run time.
 */
final class TemplateExtender extends BundleTracker<String> {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateExtender.class);

    private final TemplateCatalog catalog;

    TemplateExtender(BundleContext context, TemplateCatalog catalog) {
        super(context, Bundle.ACTIVE | Bundle.STARTING, null);
        this.catalog = catalog;
    }

    @Override
    public String addingBundle(Bundle bundle, BundleEvent event) {
        Enumeration<URL> entries = bundle.findEntries(TemplateCatalog.BUNDLE_PATH, "*" + TemplateCatalog.SUFFIX,
                true);
        if (entries == null) {
            return null; // not tracked: nothing to remove later
        }
        Map<String, String> files = new TreeMap<>();
        String prefix = "/" + TemplateCatalog.BUNDLE_PATH + "/";
        while (entries.hasMoreElements()) {
            URL url = entries.nextElement();
            String path = url.getPath();
            int at = path.indexOf(prefix);
            String relative = at < 0 ? path : path.substring(at + prefix.length());
            try (InputStream in = url.openStream()) {
                files.put(relative, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                LOG.warn("Template {} of bundle {} could not be read", relative, bundle.getSymbolicName(), e);
            }
        }
        String source = "bundle:" + bundle.getBundleId();
        int n = catalog.putSource(source, files);
        LOG.info("Templates of bundle {} ({}): {}", bundle.getSymbolicName(), bundle.getBundleId(), n);
        return source;
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, String source) {
        catalog.removeSource(source);
        LOG.info("Templates of bundle {} ({}) removed", bundle.getSymbolicName(), bundle.getBundleId());
    }
}
