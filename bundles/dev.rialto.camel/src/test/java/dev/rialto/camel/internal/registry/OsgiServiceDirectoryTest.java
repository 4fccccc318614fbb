package dev.rialto.camel.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rialto.camel.internal.FelixFramework;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

class OsgiServiceDirectoryTest {
    public interface Greeter {
        String greet(String name);
    }

    @TempDir
    Path storage;
    FelixFramework framework;
    BundleContext bundleContext;
    OsgiServiceDirectory directory;
    final AtomicInteger beansAdded = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        framework = new FelixFramework(storage);
        bundleContext = framework.context();
        directory = new OsgiServiceDirectory(bundleContext, beansAdded::incrementAndGet);
    }

    @AfterEach
    void stop() throws Exception {
        directory.close();
        framework.close();
    }

    @Test
    void beanNamePicksTheBestRankedServiceAndGetsItOnlyWhenUsed() {
        CountingFactory low = new CountingFactory("low");
        CountingFactory high = new CountingFactory("high");
        register(low, "greeter", 0);
        register(high, "greeter", 10);
        register(new CountingFactory("other"), "other", 0);
        assertEquals(3, beansAdded.get());
        assertEquals(0, high.gets.get(), "tracking does not get the service");

        ServiceHandle handle = directory.byBeanName("greeter");
        assertEquals(List.of(Greeter.class), handle.interfaces());
        assertEquals("high Ada", ((Greeter) handle.service()).greet("Ada"));
        assertEquals(1, high.gets.get());
        assertEquals(0, low.gets.get());
        assertNull(directory.byBeanName("nobody"));
    }

    @Test
    void unregisteredServiceIsReleasedAndNotCalledAgain() {
        CountingFactory factory = new CountingFactory("hello");
        ServiceRegistration<?> registration = register(factory, "greeter", 0);
        ServiceHandle handle = directory.byBeanName("greeter");
        handle.service();

        registration.unregister();
        assertEquals(1, factory.ungets.get(), "the service object was released");
        assertThrows(ServiceUnavailableException.class, handle::service);
        assertNull(directory.byBeanName("greeter"));
        assertNull(directory.byId(handle.id()));
    }

    @Test
    void classNameAndTypeLookupsFindServicesWithoutBeanName() {
        ServiceRegistration<?> registration = bundleContext.registerService(Greeter.class.getName(),
                new CountingFactory("plain"), new Hashtable<>());
        long id = (Long) registration.getReference().getProperty(Constants.SERVICE_ID);

        ServiceHandle byClass = directory.byClassName(Greeter.class.getName());
        assertEquals("plain Bo", ((Greeter) byClass.service()).greet("Bo"));
        assertEquals(List.of(id), directory.byType(Greeter.class).stream().map(ServiceHandle::id).toList());
        assertEquals(id, directory.byId(id).id());
        assertNull(directory.byClassName("com.example.Nothing"));
        assertEquals(0, beansAdded.get());
    }

    private ServiceRegistration<?> register(CountingFactory factory, String beanName, int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(OsgiServiceDirectory.BEAN_NAME, beanName);
        props.put(Constants.SERVICE_RANKING, ranking);
        return bundleContext.registerService(Greeter.class.getName(), factory, props);
    }

    /** Counts the framework's get/unget calls, to prove references are released. */
    static final class CountingFactory implements ServiceFactory<Greeter> {
        final String word;
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger ungets = new AtomicInteger();

        CountingFactory(String word) {
            this.word = word;
        }

        @Override
        public Greeter getService(Bundle bundle, ServiceRegistration<Greeter> registration) {
            gets.incrementAndGet();
            return name -> word + " " + name;
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<Greeter> registration, Greeter service) {
            ungets.incrementAndGet();
        }
    }
}
