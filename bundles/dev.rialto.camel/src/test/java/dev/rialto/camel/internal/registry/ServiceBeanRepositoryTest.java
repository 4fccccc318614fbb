package dev.rialto.camel.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.camel.internal.CamelEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

class ServiceBeanRepositoryTest {

    /** Greets; registered as a "service" of the fake directory. */
    public interface Greeter {
        String greet(String name);
    }

    record Hello(String word) implements Greeter {
        @Override
        public String greet(String name) {
            return word + " " + name;
        }
    }

    final FakeDirectory directory = new FakeDirectory();
    final ServiceBeanRepository repository = new ServiceBeanRepository(directory);

    @Test
    void beanNameResolvesToAProxyThatCallsTheCurrentService() {
        directory.register(1, "greeter", new Hello("Hello"), Greeter.class);
        Greeter greeter = (Greeter) repository.lookupByName("greeter");
        assertEquals("Hello Ada", greeter.greet("Ada"));

        // the bundle is updated: a new service replaces the old one; the route's cached proxy follows
        directory.unregister(1);
        directory.register(2, "greeter", new Hello("Bonjour"), Greeter.class);
        assertEquals("Bonjour Ada", greeter.greet("Ada"));
        assertSame(greeter, repository.lookupByName("greeter"));
    }

    @Test
    void goneServiceIsNeverCalledAgain() {
        Hello hello = new Hello("Hello");
        directory.register(1, "greeter", hello, Greeter.class);
        Greeter greeter = repository.lookupByNameAndType("greeter", Greeter.class);
        directory.unregister(1);

        ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class, () -> greeter.greet("Ada"));
        assertEquals("OSGi service (rialto.bean=greeter) is not available", e.getMessage());
        assertNull(repository.lookupByName("greeter"));
    }

    @Test
    void objectClassNameAndTypeFindServicesWithoutABeanName() {
        directory.register(7, null, new Hello("Hi"), Greeter.class);
        Greeter byClass = (Greeter) repository.lookupByName(Greeter.class.getName());
        assertEquals("Hi Bob", byClass.greet("Bob"));

        Map<String, Greeter> byType = repository.findByTypeWithName(Greeter.class);
        assertEquals(List.of("7"), new ArrayList<>(byType.keySet()));
        assertEquals("Hi Bob", byType.get("7").greet("Bob"));
        assertTrue(repository.findByType(org.apache.camel.spi.Registry.class).isEmpty());
        assertNull(repository.lookupByName("file"), "Camel's own names are not OSGi lookups");
    }

    @Test
    void routesCallOsgiBeansAndLocalBeansBoundInCamel() throws Exception {
        directory.register(1, "greeter", new Hello("Hello"), Greeter.class);
        try (CamelEngine engine = new CamelEngine("beans", repository, getClass().getClassLoader(), List.of(),
                new Properties(), 2)) {
            engine.context().getRegistry().bind("shout", (Function<String, String>) s -> s.toUpperCase());
            engine.start();
            engine.addRoutes("test", new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:greet").routeId("greet").to("bean:greeter?method=greet").bean("shout", "apply");
                }
            });
            ProducerTemplate producer = engine.context().createProducerTemplate();
            assertEquals("HELLO ADA", producer.requestBody("direct:greet", "Ada", String.class));

            directory.unregister(1);
            Exception e = assertThrows(Exception.class, () -> producer.requestBody("direct:greet", "Ada"));
            assertNotNull(findCause(e, ServiceUnavailableException.class), e.toString());

            directory.register(3, "greeter", new Hello("Ciao"), Greeter.class);
            assertEquals("CIAO ADA", producer.requestBody("direct:greet", "Ada", String.class));
        }
    }

    private static Throwable findCause(Throwable e, Class<?> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    /** In-memory directory: id -> (bean name, service, interfaces). */
    static final class FakeDirectory implements ServiceDirectory {
        record Entry(long id, String name, Object service, List<Class<?>> interfaces) implements ServiceHandle {
        }

        private final Map<Long, Entry> entries = new LinkedHashMap<>();

        synchronized void register(long id, String name, Object service, Class<?>... interfaces) {
            entries.put(id, new Entry(id, name, service, List.of(interfaces)));
        }

        synchronized void unregister(long id) {
            entries.remove(id);
        }

        @Override
        public synchronized ServiceHandle byBeanName(String name) {
            return entries.values().stream().filter(e -> name.equals(e.name())).findFirst().orElse(null);
        }

        @Override
        public synchronized ServiceHandle byClassName(String className) {
            return entries.values().stream()
                    .filter(e -> e.interfaces().stream().anyMatch(i -> i.getName().equals(className)))
                    .findFirst().orElse(null);
        }

        @Override
        public synchronized List<ServiceHandle> byType(Class<?> type) {
            return entries.values().stream().filter(e -> e.interfaces().contains(type))
                    .map(e -> (ServiceHandle) e).toList();
        }

        @Override
        public synchronized ServiceHandle byId(long id) {
            return entries.get(id);
        }
    }
}
