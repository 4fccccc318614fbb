package dev.rialto.camel.internal;

import dev.rialto.api.routes.RouteFileProblem;
import dev.rialto.api.routes.RouteInfo;
import dev.rialto.api.routes.RouteInventory;
import dev.rialto.camel.internal.deploy.RouteFileDeployer;
import dev.rialto.camel.internal.registry.OsgiServiceDirectory;
import dev.rialto.camel.internal.registry.ServiceBeanRepository;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rialto's one CamelContext: created and started on activation, stopped on deactivation, registered as an
 * {@code org.apache.camel.CamelContext} service. Adds the routes of {@code RoutesBuilder} services and deploys
 * {@code *.camel.yaml} files that Karaf's FileInstall finds in {@code deploy/} (this component is its
 * {@link ArtifactInstaller}).
 */
@Component(name = "dev.rialto.camel", configurationPid = "dev.rialto.camel", immediate = true,
        service = {RouteInventory.class, ArtifactInstaller.class})
@Designate(ocd = CamelRuntime.Config.class)
public class CamelRuntime implements RouteInventory, ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(CamelRuntime.class);
    private static final long RETRY_DELAY_MILLIS = 300;

    @ObjectClassDefinition(name = "Rialto Camel", description = "The CamelContext of Rialto and its route deployer")
    public @interface Config {
        @AttributeDefinition(description = "Name of the CamelContext")
        String name() default "rialto";

        @AttributeDefinition(name = "shutdown.timeout", description = "Seconds a route gets to finish in-flight"
                + " messages when it is stopped, removed or the context stops")
        long shutdown_timeout() default 10;

        @AttributeDefinition(name = "deploy.dir", description = "Folder whose *.camel.yaml files are deployed when"
                + " the context starts (FileInstall reports later changes); empty means ${karaf.base}/deploy")
        String deploy_dir() default "";

        @AttributeDefinition(name = "properties.locations", description = "Extra properties files for {{placeholders}}"
                + " (file:..., comma separated); missing files are ignored. System properties win over them")
        String properties_locations() default "";
    }

    private final Map<ServiceReference<RoutesBuilder>, RoutesBuilder> pending = new ConcurrentHashMap<>();
    private volatile CamelEngine engine;
    private OsgiServiceDirectory directory;
    private ServiceRegistration<CamelContext> contextRegistration;
    private ScheduledExecutorService retries;
    private final AtomicBoolean retryPending = new AtomicBoolean();
    private Path deployDir;

    @Activate
    void activate(BundleContext bundleContext, Config config) {
        String name = config.name() == null ? "" : config.name().strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (config.shutdown_timeout() <= 0) {
            throw new IllegalArgumentException("shutdown.timeout must be positive, was " + config.shutdown_timeout());
        }
        deployDir = resolveDeployDir(config.deploy_dir());
        List<String> locations = Arrays.stream(config.properties_locations().split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();

        retries = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rialto-camel-route-retry"));
        directory = new OsgiServiceDirectory(bundleContext, this::scheduleRetry);
        try {
            CamelEngine created = new CamelEngine(name, new ServiceBeanRepository(directory),
                    CamelRuntime.class.getClassLoader(), locations, new Properties(), config.shutdown_timeout());
            created.start();
            engine = created;

            Dictionary<String, Object> props = new Hashtable<>();
            props.put("camel.context.name", name);
            props.put(Constants.SERVICE_DESCRIPTION, "Rialto CamelContext");
            contextRegistration = bundleContext.registerService(CamelContext.class, created.context(), props);

            pending.forEach(this::addContribution);
            created.deployer().sync(deployDir);
        } catch (RuntimeException e) {
            deactivate();
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        CamelEngine stopping = engine;
        engine = null;
        if (contextRegistration != null) {
            try {
                contextRegistration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
            contextRegistration = null;
        }
        retries.shutdownNow();
        if (stopping != null) {
            stopping.close();
        }
        directory.close();
        LOG.debug("Rialto Camel runtime deactivated");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindRoutesBuilder(ServiceReference<RoutesBuilder> reference, RoutesBuilder builder) {
        pending.put(reference, builder);
        if (engine != null) {
            addContribution(reference, builder);
        }
    }

    void unbindRoutesBuilder(ServiceReference<RoutesBuilder> reference, RoutesBuilder builder) {
        pending.remove(reference);
        CamelEngine current = engine;
        if (current != null) {
            current.removeRoutes(sourceOf(reference));
        }
    }

    /** Synchronized: activate and a bind on another thread may both try the same contribution. */
    private synchronized void addContribution(ServiceReference<RoutesBuilder> reference, RoutesBuilder builder) {
        CamelEngine current = engine;
        String source = sourceOf(reference);
        if (current != null && pending.containsKey(reference) && !current.hasRoutes(source)) {
            current.addRoutes(source, builder);
        }
    }

    static String sourceOf(ServiceReference<?> reference) {
        String bundle = reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName();
        return "service:" + bundle + "/" + reference.getProperty(Constants.SERVICE_ID);
    }

    /**
     * Called while the tracker is still adding the service, before lookups can see it: retry a little later, and
     * only once for a burst of registrations (a feature install registers many beans at once).
     */
    private void scheduleRetry() {
        CamelEngine current = engine;
        ScheduledExecutorService executor = retries;
        if (current == null || executor == null || executor.isShutdown() || !retryPending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.schedule(() -> {
                retryPending.set(false);
                current.deployer().retryMissingBeans();
            }, RETRY_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            retryPending.set(false);
            LOG.debug("Retry not scheduled: the component is stopping", e);
        }
    }

    static Path resolveDeployDir(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String base = System.getProperty("karaf.base", System.getProperty("karaf.home", "."));
        return Path.of(base, "deploy");
    }

    @Override
    public List<RouteInfo> routes() {
        CamelEngine current = engine;
        return current == null ? List.of() : current.routes();
    }

    @Override
    public List<RouteFileProblem> problems() {
        CamelEngine current = engine;
        return current == null ? List.of() : current.problems();
    }

    // FileInstall calls these from its polling thread.

    @Override
    public boolean canHandle(File artifact) {
        return RouteFileDeployer.isRouteFile(artifact);
    }

    @Override
    public void install(File artifact) {
        CamelEngine current = engine;
        if (current != null) {
            current.deployer().deploy(artifact.toPath());
        }
    }

    @Override
    public void update(File artifact) {
        install(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        CamelEngine current = engine;
        if (current != null) {
            current.deployer().undeploy(artifact.toPath());
        }
    }
}
