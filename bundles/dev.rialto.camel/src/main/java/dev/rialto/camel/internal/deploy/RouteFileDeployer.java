package dev.rialto.camel.internal.deploy;

import dev.rialto.api.routes.RouteFileProblem;
import dev.rialto.camel.internal.RouteLedger;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.NoSuchBeanException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesBuilderLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys {@code *.camel.yaml} route files into the context: install, update (the file's routes are replaced) and
 * uninstall. Each file is one unit: its routes start together or not at all.
 *
 * <p>Updates: the new version is parsed and its route ids checked before the running routes are touched. If it does
 * not parse, or clashes, the previous version keeps running. If it parses but its routes fail to start, the previous
 * version is started again. Either way the error is logged and listed by {@link #problems()}.
 *
 * <p>A file whose routes need a bean that is not registered yet (bundles start in any order) is retried by
 * {@link #retryMissingBeans()} when a bean service appears.
 */
public final class RouteFileDeployer {
    public static final String SUFFIX = ".camel.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(RouteFileDeployer.class);

    private final CamelContext context;
    private final RouteLedger ledger;
    private final ClassLoader classLoader;
    private final Map<Path, DeployedFile> files = new LinkedHashMap<>();

    /** @param classLoader the loader that sees Camel's factories (set as thread context loader while loading) */
    public RouteFileDeployer(CamelContext context, RouteLedger ledger, ClassLoader classLoader) {
        this.context = context;
        this.ledger = ledger;
        this.classLoader = classLoader;
    }

    /** True for {@code *.camel.yaml} (any case) that is not hidden. */
    public static boolean isRouteFile(File file) {
        String name = file.getName();
        return !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(SUFFIX) && !file.isDirectory();
    }

    /** Deploys or redeploys the file; does nothing when its content is what is running. Never throws. */
    public synchronized void deploy(Path file) {
        deploy(file, false);
    }

    /** Removes the file's routes. */
    public synchronized void undeploy(Path file) {
        Path path = file.toAbsolutePath().normalize();
        files.remove(path);
        Set<String> removed = ledger.remove(source(path));
        LOG.info("Route file {} removed: stopped and removed routes {}", path, removed);
    }

    /** Deploys every route file of the folder and undeploys tracked files of it that are gone. */
    public synchronized void sync(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        for (Path known : new ArrayList<>(files.keySet())) {
            if (known.startsWith(dir) && !Files.exists(known)) {
                undeploy(known);
            }
        }
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> listing = Files.list(dir)) {
            listing.filter(p -> isRouteFile(p.toFile())).sorted().forEach(this::deploy);
        } catch (IOException e) {
            LOG.error("Cannot list route files in {}", dir, e);
        }
    }

    /** Retries the files that failed because a bean was missing. */
    public synchronized void retryMissingBeans() {
        for (Map.Entry<Path, DeployedFile> entry : new ArrayList<>(files.entrySet())) {
            if (entry.getValue().missingBean() && Files.exists(entry.getKey())) {
                LOG.info("Retrying route file {}: a bean service appeared", entry.getKey());
                deploy(entry.getKey(), true);
            }
        }
    }

    /** The files whose current content is not running. */
    public synchronized List<RouteFileProblem> problems() {
        List<RouteFileProblem> problems = new ArrayList<>();
        files.forEach((path, state) -> {
            if (state.error() != null) {
                problems.add(new RouteFileProblem(path.toString(), state.error(), state.goodContent() != null));
            }
        });
        return problems;
    }

    public static String source(Path path) {
        return "file:" + path.toAbsolutePath().normalize();
    }

    private void deploy(Path file, boolean force) {
        Path path = file.toAbsolutePath().normalize();
        String source = source(path);
        DeployedFile previous = files.get(path);
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            LOG.error("Route file {} cannot be read: {}", path, e.toString());
            return;
        }
        if (!force && previous != null && Arrays.equals(previous.content(), content)) {
            return;
        }
        byte[] good = previous == null ? null : previous.goodContent();
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(classLoader);
        try {
            List<RoutesBuilder> builders;
            try {
                builders = load(path, content);
                ledger.check(source, builders);
            } catch (Exception e) {
                fail(path, content, good, e, good != null && !ledger.routesOf(source).isEmpty());
                return;
            }
            Set<String> old = ledger.remove(source);
            try {
                Set<String> added = ledger.add(source, builders);
                files.put(path, new DeployedFile(content, content, null, false));
                LOG.info("Route file {} {}: routes {} started", path, good == null ? "deployed" : "updated", added);
                if (!old.isEmpty() && !old.equals(added)) {
                    LOG.info("Route file {}: routes {} of its previous version removed", path, old);
                }
            } catch (Exception e) {
                boolean restored = false;
                if (good != null) {
                    try {
                        ledger.add(source, load(path, good));
                        restored = true;
                    } catch (Exception again) {
                        LOG.warn("Route file {}: its previous version could not be restarted either", path, again);
                    }
                }
                fail(path, content, good, e, restored);
            }
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
    }

    private List<RoutesBuilder> load(Path path, byte[] content) throws Exception {
        Resource resource = ResourceHelper.fromBytes(source(path), content);
        RoutesBuilderLoader loader = PluginHelper.getRoutesLoader(context).getRoutesLoader("yaml");
        return List.of(loader.loadRoutesBuilder(resource));
    }

    private void fail(Path path, byte[] content, byte[] good, Exception e, boolean previousRunning) {
        String error = describe(e);
        boolean missingBean = hasCause(e, NoSuchBeanException.class);
        files.put(path, new DeployedFile(content, good, error, missingBean));
        if (missingBean && !previousRunning) {
            // Normal while the server starts: the bundle of the bean may start after this one.
            LOG.info("Route file {} waits for a bean: {}. It is deployed when a bean service appears.", path,
                    missingBeanName(e));
            return;
        }
        LOG.error("Route file {} not deployed: {}. {}", path, error,
                previousRunning ? "Its previous version keeps running."
                        : missingBean ? "It is retried when a bean service appears." : "None of its routes run.");
        LOG.debug("Route file {} failure", path, e);
    }

    /** The messages of the cause chain, outermost first, without repeats; YAML errors carry line and column. */
    public static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            if (parts.stream().noneMatch(p -> p.contains(message))) {
                parts.add(message);
            }
        }
        return String.join(" <- caused by: ", parts);
    }

    private static String missingBeanName(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NoSuchBeanException missing) {
                return "'" + missing.getName() + "'";
            }
        }
        return "unknown";
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param content     the file's last seen content
     * @param goodContent the content whose routes run, or null
     * @param error       why {@code content} is not running, or null
     */
    private record DeployedFile(byte[] content, byte[] goodContent, String error, boolean missingBean) {
    }
}
