package dev.rialto.camel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.routes.RouteInfo;
import dev.rialto.camel.internal.registry.OsgiServiceDirectory;
import java.io.File;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/** The DS component on a real framework, without SCR: activate, bind and the FileInstall callbacks by hand. */
class CamelRuntimeTest {
    @TempDir
    Path storage;
    @TempDir
    Path deployDir;
    FelixFramework framework;
    CamelRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        framework = new FelixFramework(storage);
        runtime = new CamelRuntime();
    }

    @AfterEach
    void stop() throws Exception {
        framework.close();
    }

    @Test
    void activationStartsTheContextDeploysTheFolderAndRegistersTheContext() throws Exception {
        Files.writeString(deployDir.resolve("tick.camel.yaml"), """
                - route:
                    id: tick
                    from:
                      uri: "timer:tick?period=1000"
                      steps:
                        - log: "tick"
                """);
        runtime.activate(framework.context(), config("rialto", 5, deployDir.toString()));
        try {
            ServiceReference<CamelContext> ref = framework.context().getServiceReference(CamelContext.class);
            assertNotNull(ref);
            assertEquals("rialto", ref.getProperty("camel.context.name"));
            CamelContext context = framework.context().getService(ref);
            assertEquals("rialto", context.getName());
            assertEquals(List.of("tick"), runtime.routes().stream().map(RouteInfo::routeId).toList());
        } finally {
            runtime.deactivate();
        }
        assertEquals(null, framework.context().getServiceReference(CamelContext.class));
        assertTrue(runtime.routes().isEmpty());
    }

    @Test
    void routesBuilderServicesAreAddedAndRemoved() throws Exception {
        RoutesBuilder builder = new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:contributed").routeId("contributed").setBody(constant("ok"));
            }
        };
        ServiceRegistration<RoutesBuilder> registration =
                framework.context().registerService(RoutesBuilder.class, builder, new Hashtable<>());
        ServiceReference<RoutesBuilder> ref = registration.getReference();
        runtime.bindRoutesBuilder(ref, builder); // bound before activate, as SCR does
        runtime.activate(framework.context(), config("rialto", 5, deployDir.toString()));
        try {
            List<RouteInfo> routes = runtime.routes();
            assertEquals(1, routes.size());
            assertEquals("contributed", routes.get(0).routeId());
            assertEquals(CamelRuntime.sourceOf(ref), routes.get(0).source());
            assertTrue(routes.get(0).source().startsWith("service:"));

            runtime.unbindRoutesBuilder(ref, builder);
            assertTrue(runtime.routes().isEmpty());

            runtime.bindRoutesBuilder(ref, builder);
            assertEquals(1, runtime.routes().size());
        } finally {
            runtime.deactivate();
        }
    }

    @Test
    void artifactInstallerCallbacksAndRetryWhenTheBeanServiceAppears() throws Exception {
        runtime.activate(framework.context(), config("rialto", 5, deployDir.toString()));
        try {
            File file = Files.writeString(deployDir.resolve("greet.camel.yaml"), """
                    - route:
                        id: greet
                        from:
                          uri: "direct:greet"
                          steps:
                            - bean:
                                ref: greeting
                                method: get
                    """).toFile();
            assertTrue(runtime.canHandle(file));
            assertFalse(runtime.canHandle(deployDir.resolve("feature.xml").toFile()));
            runtime.install(file);
            assertEquals(1, runtime.problems().size());

            Hashtable<String, Object> props = new Hashtable<>();
            props.put(OsgiServiceDirectory.BEAN_NAME, "greeting");
            framework.context().registerService(Supplier.class, (Supplier<String>) () -> "hello", props);
            Await.until("greet route deployed after the bean appeared", 10_000,
                    () -> runtime.routes().size() == 1);
            CamelContext context = framework.context().getService(
                    framework.context().getServiceReference(CamelContext.class));
            assertEquals("hello", context.createProducerTemplate().requestBody("direct:greet", "", String.class));

            runtime.uninstall(file);
            assertTrue(runtime.routes().isEmpty());
        } finally {
            runtime.deactivate();
        }
    }

    @Test
    void invalidConfigurationNamesTheProperty() {
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> runtime.activate(framework.context(), config(" ", 5, "")));
        assertEquals("name must not be blank", blank.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> runtime.activate(framework.context(), config("rialto", 0, "")));
        assertTrue(timeout.getMessage().startsWith("shutdown.timeout"), timeout.getMessage());
    }

    static CamelRuntime.Config config(String name, long shutdownTimeout, String deployDir) {
        return new CamelRuntime.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CamelRuntime.Config.class;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public long shutdown_timeout() {
                return shutdownTimeout;
            }

            @Override
            public String deploy_dir() {
                return deployDir;
            }

            @Override
            public String properties_locations() {
                return "";
            }
        };
    }
}
