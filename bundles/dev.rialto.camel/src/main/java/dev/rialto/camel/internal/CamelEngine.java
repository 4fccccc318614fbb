package dev.rialto.camel.internal;

import dev.rialto.api.routes.RouteFileProblem;
import dev.rialto.api.routes.RouteInfo;
import dev.rialto.api.routes.RouteInventory;
import dev.rialto.camel.internal.deploy.RouteFileDeployer;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.ExplicitCamelContextNameStrategy;
import org.apache.camel.spi.BeanRepository;
import org.apache.camel.support.DefaultRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CamelContext with its route bookkeeping, free of OSGi so that tests build it with {@code new}.
 */
public final class CamelEngine implements RouteInventory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CamelEngine.class);

    private final DefaultCamelContext context;
    private final ClassLoader classLoader;
    private final RouteLedger ledger;
    private final RouteFileDeployer deployer;

    /**
     * @param name               the context name
     * @param beans              where routes find beans besides the ones bound in the context
     * @param classLoader        the loader that sees Camel and its components (this bundle's loader in OSGi)
     * @param propertyLocations  extra properties files for placeholders ({@code file:...}); missing ones are ignored
     * @param overrides          placeholder values that win over everything (tests); may be empty
     * @param shutdownTimeout    seconds a route or the context gets to finish in-flight messages when stopped
     */
    public CamelEngine(String name, BeanRepository beans, ClassLoader classLoader, List<String> propertyLocations,
            Properties overrides, long shutdownTimeout) {
        this.classLoader = classLoader;
        // Camel resolves classes through the thread context loader first while it is built: a loader that holds
        // another copy of Camel (a test class path, another bundle) would give it foreign classes.
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(classLoader);
        try {
            this.context = createContext(name, beans, classLoader, propertyLocations, overrides, shutdownTimeout);
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
        this.ledger = new RouteLedger(context, shutdownTimeout);
        this.deployer = new RouteFileDeployer(context, ledger, classLoader);
    }

    private static DefaultCamelContext createContext(String name, BeanRepository beans, ClassLoader classLoader,
            List<String> propertyLocations, Properties overrides, long shutdownTimeout) {
        DefaultRegistry registry = new DefaultRegistry(beans);
        DefaultCamelContext context = new DefaultCamelContext(registry);
        context.setNameStrategy(new ExplicitCamelContextNameStrategy(name));
        // Camel finds components, languages and the YAML loader through META-INF/services of its own jars: in OSGi
        // only this bundle's loader sees them (they are embedded on its Bundle-ClassPath).
        context.setApplicationContextClassLoader(classLoader);
        context.setSourceLocationEnabled(true);
        context.getShutdownStrategy().setTimeout(shutdownTimeout);
        PropertiesComponent properties = (PropertiesComponent) context.getPropertiesComponent();
        // System properties (karaf.home, karaf.base, karaf.data, ...) win over files; overrides win over both.
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_OVERRIDE);
        properties.setIgnoreMissingLocation(true);
        if (!propertyLocations.isEmpty()) {
            properties.setLocations(propertyLocations.toArray(new String[0]));
        }
        if (!overrides.isEmpty()) {
            properties.setOverrideProperties(overrides);
        }
        return context;
    }

    /** Starts the context; returns the milliseconds it took. */
    public long start() {
        long begin = System.nanoTime();
        withClassLoader(() -> {
            context.start();
            return null;
        });
        long millis = (System.nanoTime() - begin) / 1_000_000;
        LOG.info("CamelContext {} (Apache Camel {}) started in {} ms", context.getName(), context.getVersion(), millis);
        return millis;
    }

    public CamelContext context() {
        return context;
    }

    public RouteFileDeployer deployer() {
        return deployer;
    }

    /** Adds the routes of a builder for a source; logs and returns an empty set when they cannot be added. */
    public Set<String> addRoutes(String source, RoutesBuilder builder) {
        try {
            Set<String> ids = withClassLoader(() -> ledger.add(source, List.of(builder)));
            LOG.info("Routes {} from {} started", ids, source);
            return ids;
        } catch (Exception e) {
            LOG.error("Routes from {} not added: {}", source, RouteFileDeployer.describe(e), e);
            return Set.of();
        }
    }

    public boolean hasRoutes(String source) {
        return !ledger.routesOf(source).isEmpty();
    }

    public Set<String> removeRoutes(String source) {
        Set<String> ids = withClassLoader(() -> ledger.remove(source));
        if (!ids.isEmpty()) {
            LOG.info("Routes {} from {} stopped and removed", ids, source);
        }
        return ids;
    }

    @Override
    public List<RouteInfo> routes() {
        return ledger.inventory();
    }

    @Override
    public List<RouteFileProblem> problems() {
        return deployer.problems();
    }

    @Override
    public void close() {
        withClassLoader(() -> {
            context.stop();
            return null;
        });
        LOG.info("CamelContext {} stopped", context.getName());
    }

    private <T> T withClassLoader(ThrowingSupplier<T> action) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(classLoader);
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }
}
