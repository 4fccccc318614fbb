package dev.rialto.camel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * The built bundle in a real Felix framework with SCR and FileInstall (Karaf's deploy watcher is a FileInstall
 * watcher too): it resolves with only the imports Karaf offers, SCR activates it, Camel finds its factories inside
 * the embedded jars, and FileInstall hands it {@code *.camel.yaml} files to install, update and uninstall.
 */
class BundleIT {
    @TempDir
    Path base;
    Framework framework;
    String previousBase;

    @AfterEach
    void stop() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
        if (previousBase == null) {
            System.clearProperty("karaf.base");
        } else {
            System.setProperty("karaf.base", previousBase);
        }
    }

    @Test
    void fileInstallDeploysUpdatesAndUndeploysRouteFiles() throws Exception {
        Path deploy = Files.createDirectories(base.resolve("deploy"));
        previousBase = System.setProperty("karaf.base", base.toString());
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, base.resolve("cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("felix.fileinstall.dir", deploy.toString());
        config.put("felix.fileinstall.poll", "200");
        config.put("felix.fileinstall.noInitialDelay", "true");
        framework = new FrameworkFactory().newFramework(config);
        framework.start();
        BundleContext context = framework.getBundleContext();

        List<Bundle> bundles = new ArrayList<>();
        for (String className : List.of("org.osgi.util.function.Function", "org.osgi.util.promise.Promise",
                "org.osgi.service.component.ComponentContext",
                "org.apache.felix.scr.component.ExtComponentContext", "org.slf4j.Logger",
                "org.slf4j.impl.SimpleLogger", "org.apache.felix.fileinstall.ArtifactInstaller",
                "dev.rialto.api.routes.RouteInventory")) {
            bundles.add(context.installBundle(jarOf(className)));
        }
        Bundle camel = context.installBundle(Path.of(System.getProperty("bundle.jar")).toUri().toString());
        bundles.add(camel);
        long begin = System.nanoTime();
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
        assertEquals(Bundle.ACTIVE, camel.getState());

        Await.until("the CamelContext service", 20_000, () -> reference(context, "org.apache.camel.CamelContext") != null);
        System.err.printf("BundleIT: bundle started and context registered in %d ms%n",
                (System.nanoTime() - begin) / 1_000_000);
        Object inventory = service(context, "dev.rialto.api.routes.RouteInventory");

        Hashtable<String, Object> props = new Hashtable<>();
        props.put("rialto.bean", "greeting");
        context.registerService(Supplier.class, (Supplier<String>) () -> "hello from OSGi", props);

        Path file = deploy.resolve("greet.camel.yaml");
        Files.writeString(file, route("greet", "direct:greet"));
        Await.until("greet deployed by FileInstall", 20_000, () -> routes(inventory).contains("routeId=greet,"));
        Object camelContext = service(context, "org.apache.camel.CamelContext");
        assertEquals("hello from OSGi", request(camel, camelContext, "direct:greet"));

        Files.writeString(file, route("greet2", "direct:greet2"));
        Await.until("greet replaced by greet2", 20_000,
                () -> routes(inventory).contains("routeId=greet2,") && !routes(inventory).contains("routeId=greet,"));
        assertEquals("hello from OSGi", request(camel, camelContext, "direct:greet2"));

        Files.delete(file);
        Await.until("routes removed", 20_000, () -> routes(inventory).equals("[]"));
    }

    private static String route(String id, String from) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "%s"
                      steps:
                        - bean:
                            ref: greeting
                            method: get
                """.formatted(id, from);
    }

    /** All references: the test class path has its own copy of these classes, so assignability checks fail. */
    private static ServiceReference<?> reference(BundleContext context, String className) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(className, null);
            return refs == null ? null : refs[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object service(BundleContext context, String className) {
        ServiceReference<?> ref = reference(context, className);
        assertNotNull(ref, className);
        return context.getService(ref);
    }

    private static String routes(Object inventory) {
        try {
            return String.valueOf(inventory.getClass().getMethod("routes").invoke(inventory));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object request(Bundle camel, Object camelContext, String uri) throws Exception {
        Class<?> contextType = camel.loadClass("org.apache.camel.CamelContext");
        Object producer = contextType.getMethod("createProducerTemplate").invoke(camelContext);
        Method request = camel.loadClass("org.apache.camel.ProducerTemplate")
                .getMethod("requestBody", String.class, Object.class);
        return request.invoke(producer, uri, "");
    }

    /** The jar on the test class path that holds the class (found as a resource: nothing is loaded). */
    private static String jarOf(String className) {
        String url = String.valueOf(BundleIT.class.getClassLoader().getResource(className.replace('.', '/') + ".class"));
        if (!url.startsWith("jar:")) {
            throw new IllegalStateException("not in a jar: " + className + " at " + url);
        }
        return url.substring("jar:".length(), url.indexOf("!/"));
    }
}
