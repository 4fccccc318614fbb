package dev.rialto.retrieval.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.jar.JarFile;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Boots the packaged bundle in Felix with SCR, over fake repositories: Lucene's codec SPI must load from the
 * embedded jars while the thread context class loader cannot see Lucene (as in Karaf), the rebuild must run,
 * and the text source and the recommender must answer.
 */
class LuceneBundleIT {

    private static final String[] BUNDLES = {"pax-logging-api", "org.osgi.util.function", "org.osgi.util.promise",
        "org.osgi.service.component", "org.apache.felix.scr", "dev.rialto.api"};

    @TempDir
    Path tmp;

    @Test
    void codecsLoadAndComponentsServeInsideOsgi() throws Exception {
        Path jar = Path.of(System.getProperty("bundle.jar", "target/dev.rialto.retrieval.lucene-0.1.0-SNAPSHOT.jar"));
        Path dir = Path.of(System.getProperty("it.bundles", "target/it-bundles"));
        try (JarFile j = new JarFile(jar.toFile())) {
            String imports = j.getManifest().getMainAttributes().getValue("Import-Package");
            assertTrue(imports.contains("jdk.incubator.vector;resolution:=optional"), imports);
            assertTrue(imports.contains("sun.misc;resolution:=optional"), imports);
            assertFalse(imports.contains("org.apache.lucene"), "Lucene must stay private: " + imports);
        }
        System.setProperty("karaf.data", tmp.resolve("data").toString());
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                stdout.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }
        }, true));
        Thread thread = Thread.currentThread();
        ClassLoader tccl = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        Framework fw = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, tmp.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "org.ops4j.pax.logging.DefaultServiceLog.level", "INFO"));
        try {
            fw.start();
            BundleContext ctx = fw.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            for (String name : BUNDLES) {
                Path b = dir.resolve(name + ".jar");
                assertTrue(Files.isRegularFile(b), "missing " + b);
                bundles.add(ctx.installBundle(b.toUri().toString()));
            }
            Bundle api = bundles.get(bundles.size() - 1);
            Bundle ours = ctx.installBundle(jar.toUri().toString());
            for (Bundle b : bundles) {
                b.start();
            }
            registerFakeStore(ctx, api);
            ours.start();
            assertEquals(Bundle.ACTIVE, ours.getState());

            Class<?> codec = ours.loadClass("org.apache.lucene.codecs.Codec");
            assertNotSame(LuceneBundleIT.class.getClassLoader(), codec.getClassLoader(), "Lucene from the bundle");
            assertEquals("Lucene912", codec.getMethod("getName").invoke(codec.getMethod("getDefault").invoke(null)));

            // The text source finds the kettle once the background rebuild from the fake store is done.
            Object text = service(ctx, "dev.rialto.api.retrieval.CandidateSource", "(rialto.provider=text)");
            Class<?> queryClass = api.loadClass("dev.rialto.api.retrieval.CandidateQuery");
            Class<?> filterClass = api.loadClass("dev.rialto.api.retrieval.ItemFilter");
            Object query = queryClass.getConstructor(String.class, String.class, int.class, filterClass)
                    .newInstance(null, "kettle", 10, null);
            Method candidates = api.loadClass("dev.rialto.api.retrieval.CandidateSource")
                    .getMethod("candidates", queryClass);
            List<?> found = poll(() -> {
                try {
                    List<?> l = (List<?>) candidates.invoke(text, query);
                    return l.isEmpty() ? null : l;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals("k1", found.get(0).getClass().getMethod("itemId").invoke(found.get(0)));
            Object chinese = queryClass.getConstructor(String.class, String.class, int.class, filterClass)
                    .newInstance(null, "我想买耳机", 10, null);
            // Polled as well: the first Chinese document loads smartcn's dictionaries (seconds on a busy machine)
            // and a periodic refresh may show the batch's other items before it.
            List<?> zh = poll(() -> {
                try {
                    List<?> l = (List<?>) candidates.invoke(text, chinese);
                    return l.isEmpty() ? null : l;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(1, zh.size(), "a Chinese query finds the Chinese item: " + zh);
            assertEquals("z1", zh.get(0).getClass().getMethod("itemId").invoke(zh.get(0)));

            Object recommender = service(ctx, "dev.rialto.api.recommend.Recommender", "(rialto.bean=recommender)");
            Class<?> requestClass = api.loadClass("dev.rialto.api.recommend.RecommendationRequest");
            Object request = requestClass.getConstructor(String.class, int.class, filterClass)
                    .newInstance("u1", 2, null);
            Object recommendation = poll(() -> {
                try {
                    Object r = api.loadClass("dev.rialto.api.recommend.Recommender")
                            .getMethod("recommend", requestClass).invoke(recommender, request);
                    return ((List<?>) r.getClass().getMethod("items").invoke(r)).size() == 2 ? r : null;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<?> items = (List<?>) recommendation.getClass().getMethod("items").invoke(recommendation);
            assertEquals("k2", items.get(0).getClass().getMethod("itemId").invoke(items.get(0)), "most viewed first");

            assertTrue(Files.isDirectory(tmp.resolve("data/rialto/index")), "index under ${karaf.data}");
            String log;
            synchronized (captured) {
                log = captured.toString();
            }
            assertTrue(log.contains("codec=Lucene912"), "the log names the codec");
        } finally {
            fw.stop();
            fw.waitForStop(10_000);
            thread.setContextClassLoader(tccl);
            System.setOut(stdout);
            System.clearProperty("karaf.data");
        }
    }

    private static <T> T poll(Supplier<T> probe) throws InterruptedException {
        long end = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < end) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(100);
        }
        return fail("condition not met within 15 s");
    }

    private static Object service(BundleContext ctx, String clazz, String filter) throws Exception {
        ServiceReference<?>[] refs = poll(() -> {
            try {
                // "All": the API classes on this test's class path are not the API bundle's.
                return ctx.getAllServiceReferences(clazz, filter);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return ctx.getService(refs[0]);
    }

    /** ItemRepository and EventRepository services made of proxies over the API bundle's own classes. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void registerFakeStore(BundleContext ctx, Bundle api) throws Exception {
        ClassLoader loader = api.adapt(BundleWiring.class).getClassLoader();
        Class<?> itemRepo = api.loadClass("dev.rialto.api.catalog.ItemRepository");
        Class<?> eventRepo = api.loadClass("dev.rialto.api.events.EventRepository");
        Class<?> itemClass = api.loadClass("dev.rialto.api.catalog.Item");
        Class<?> eventClass = api.loadClass("dev.rialto.api.events.Event");
        Class<? extends Enum> typeClass = (Class<? extends Enum>) api.loadClass("dev.rialto.api.events.EventType");
        var itemCtor = itemClass.getConstructor(String.class, String.class, String.class, String.class,
                BigDecimal.class, String.class, boolean.class, String.class, Map.class);
        List<Object> items = List.of(
                itemCtor.newInstance("k1", "Copper whistling kettle", "Stovetop", "Kitchen > Cookware",
                        BigDecimal.TEN, "EUR", true, "en", Map.of()),
                itemCtor.newInstance("k2", "Cast iron skillet", "Pre-seasoned", "Kitchen > Cookware",
                        BigDecimal.ONE, "EUR", true, "en", Map.of()),
                itemCtor.newInstance("b1", "Detective novel", "Paperback", "Books > Fiction", null, null, true, "en",
                        Map.of()),
                // smartcn segments it; its dictionaries load from the embedded jar.
                itemCtor.newInstance("z1", "蓝牙无线耳机", "降噪，续航三十小时", "电子产品 > 音频", null, null, true,
                        "zh-CN", Map.of()));
        Instant t = Instant.parse("2024-06-01T00:00:00Z");
        var eventCtor = eventClass.getConstructor(String.class, typeClass, String.class, String.class, int.class,
                Instant.class);
        Enum view = Enum.valueOf(typeClass, "VIEW");
        List<Object> events = List.of(eventCtor.newInstance("e1", view, "x", "k2", 1, t),
                eventCtor.newInstance("e2", view, "y", "k2", 1, t), eventCtor.newInstance("e3", view, "y", "b1", 1, t));

        Object items0 = Proxy.newProxyInstance(loader, new Class<?>[] {itemRepo}, (p, m, a) -> switch (m.getName()) {
            case "count" -> (long) items.size();
            case "forEach" -> {
                items.forEach((Consumer<Object>) a[0]);
                yield null;
            }
            case "find" -> Optional.empty();
            case "findAll" -> Map.of();
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            case "toString" -> "fake item store";
            default -> null;
        });
        Object events0 = Proxy.newProxyInstance(loader, new Class<?>[] {eventRepo}, (p, m, a) -> switch (m.getName()) {
            case "count" -> (long) events.size();
            case "append" -> 0;
            case "recentForUser" -> List.of();
            case "forEach" -> {
                events.forEach((Consumer<Object>) a[2]);
                yield null;
            }
            case "countByItem" -> Map.of();
            case "newestTimestamp" -> t;
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            case "toString" -> "fake event store";
            default -> null;
        });
        ctx.registerService(itemRepo.getName(), items0, new Hashtable<>());
        ctx.registerService(eventRepo.getName(), events0, new Hashtable<>());
    }
}
