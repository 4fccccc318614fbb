package dev.rialto.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * Boots the packaged bundle in Felix with SCR and the packaged ONNX Runtime bundle: ORT's and DJL's native
 * libraries must load inside OSGi, with a context class loader that sees neither (as in Karaf), and both models
 * must answer. Then a refresh: the new class loader must load its own copy of libtokenizers.
 */
class EmbeddingsBundleIT {

    private static final String[] BUNDLES = {"pax-logging-api", "org.osgi.util.function", "org.osgi.util.promise",
        "org.osgi.service.component", "org.apache.felix.scr", "dev.rialto.api", "dev.rialto.onnxruntime"};

    @TempDir
    Path tmp;

    @Test
    void bothModelsEmbedInsideOsgi() throws Exception {
        Path jar = Path.of(System.getProperty("bundle.jar", "target/dev.rialto.embeddings-0.1.0-SNAPSHOT.jar"));
        Path dir = Path.of(System.getProperty("it.bundles", "target/it-bundles"));
        try (JarFile j = new JarFile(jar.toFile())) {
            String imports = j.getManifest().getMainAttributes().getValue("Import-Package");
            assertTrue(imports.contains("ai.onnxruntime;version="), imports);
            assertTrue(j.getEntry("ai/onnxruntime/OrtSession.class") == null, "ORT must not be embedded");
            assertFalse(imports.contains("ai.djl"), "DJL stays private: " + imports);
            assertTrue(j.getEntry("all-minilm-l6-v2-q.onnx") != null && j.getEntry("bge-small-zh-v1.5-q.onnx") != null);
            assertTrue(j.getEntry("dev/langchain4j") == null, "no langchain4j classes");
        }
        Path data = tmp.resolve("data");
        System.setProperty("karaf.data", data.toString());
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
            Bundle ours = ctx.installBundle(jar.toUri().toString());
            for (Bundle b : bundles) {
                b.start();
            }
            ours.start();
            assertEquals(Bundle.ACTIVE, ours.getState());

            assertEmbeds(ctx, "minilm", "(rialto.languages=en)", 384);
            assertEmbeds(ctx, "bge-small-zh", "(rialto.languages=zh)", 512);
            assertEquals(1, nativeCopies(data), "one libtokenizers copy under ${karaf.data}");
            assertEquals("true", System.getProperty("OPT_OUT_TRACKING"), "DJL must not call home");

            // A refresh gives the bundle a new class loader, which must load libtokenizers again.
            Bundle ort = bundles.get(bundles.size() - 1);
            org.osgi.framework.wiring.FrameworkWiring wiring = fw.adapt(org.osgi.framework.wiring.FrameworkWiring.class);
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            wiring.refreshBundles(List.of(ours, ort), e -> done.countDown());
            assertTrue(done.await(30, java.util.concurrent.TimeUnit.SECONDS), "refresh finished");
            assertEmbeds(ctx, "minilm", "(rialto.languages=en)", 384);
            assertEquals(1, nativeCopies(data), "the stale copy is cleaned up");
        } finally {
            fw.stop();
            fw.waitForStop(10_000);
            thread.setContextClassLoader(tccl);
            System.clearProperty("karaf.data");
        }
    }

    private static long nativeCopies(Path data) throws Exception {
        try (Stream<Path> files = Files.walk(data.resolve("rialto/embeddings"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("libtokenizers")).count();
        }
    }

    private static void assertEmbeds(BundleContext ctx, String provider, String languageFilter, int dims)
            throws Exception {
        String filter = "(&(rialto.provider=" + provider + ")" + languageFilter + ")";
        Object embedder = service(ctx, "dev.rialto.api.embeddings.TextEmbedder", filter);
        // Reflection: the API classes on this test's class path are not the API bundle's.
        Object out = embedder.getClass().getMethod("embed", List.class)
                .invoke(embedder, List.of("a red cotton t-shirt", "红色纯棉T恤"));
        float[][] vectors = (float[][]) out;
        assertEquals(2, vectors.length);
        for (float[] v : vectors) {
            assertEquals(dims, v.length);
            double sum = 0;
            for (float x : v) {
                sum += x * x;
            }
            assertEquals(1.0, Math.sqrt(sum), 1e-4);
        }
        assertEquals(provider, embedder.getClass().getMethod("model").invoke(embedder));
    }

    private static Object service(BundleContext ctx, String clazz, String filter) throws Exception {
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(clazz, filter);
            if (refs != null) {
                Object s = ctx.getService(refs[0]);
                if (s != null) {
                    return s;
                }
            }
            Thread.sleep(100);
        }
        return fail("no service " + clazz + " " + filter + " within 30 s");
    }
}
