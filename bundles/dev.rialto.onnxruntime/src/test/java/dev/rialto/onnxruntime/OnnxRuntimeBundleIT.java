package dev.rialto.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** Checks the packaged bundle itself (runs in the integration-test phase, after package). */
class OnnxRuntimeBundleIT {

    private static final List<String> NATIVE = List.of(
            "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
            "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so",
            "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so",
            "ai/onnxruntime/native/linux-aarch64/libonnxruntime4j_jni.so",
            "ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib",
            "ai/onnxruntime/native/osx-aarch64/libonnxruntime4j_jni.dylib",
            "ai/onnxruntime/native/win-x64/onnxruntime.dll",
            "ai/onnxruntime/native/win-x64/onnxruntime4j_jni.dll");

    private static Path bundle() {
        Path jar = Path.of(System.getProperty("bundle.jar", "target/dev.rialto.onnxruntime-0.1.0-SNAPSHOT.jar"));
        assertTrue(Files.isRegularFile(jar), "bundle jar missing: " + jar);
        return jar;
    }

    @Test
    void holdsTheFourPlatformsWithoutDebugFiles() throws IOException {
        try (JarFile jar = new JarFile(bundle().toFile())) {
            for (String lib : NATIVE) {
                ZipEntry entry = jar.getEntry(lib);
                assertTrue(entry != null && entry.getSize() > 0, "missing native library " + lib);
            }
            List<String> natives = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("ai/onnxruntime/native/") && !n.endsWith("/")).toList();
            assertEquals(NATIVE.size(), natives.size(), "unexpected native files: " + natives);
            assertFalse(jar.stream().map(ZipEntry::getName)
                    .anyMatch(n -> n.endsWith(".pdb") || n.contains(".dSYM") || n.contains("/osx-x64/")),
                    "debug symbols or other platforms were packaged");
            assertTrue(jar.getEntry("ai/onnxruntime/OrtEnvironment.class") != null, "ORT classes not inlined");
            assertTrue(jar.getEntry("ai/onnxruntime/providers/OrtCUDAProviderOptions.class") != null);
        }
    }

    @Test
    void exportsTheOrtPackagesAtTheOrtVersion() throws IOException {
        try (JarFile jar = new JarFile(bundle().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("dev.rialto.onnxruntime", main.getValue("Bundle-SymbolicName"));
            String exports = main.getValue("Export-Package");
            assertTrue(exports.contains("ai.onnxruntime;version=\"1.23.2\""), exports);
            assertTrue(exports.contains("ai.onnxruntime.providers;version=\"1.23.2\""), exports);
            // Nothing to import but java.*: the bundle owns ORT and must not substitute its own exports.
            assertNull(main.getValue("Import-Package"), "unexpected imports");
            assertNull(main.getValue("Bundle-ClassPath"), "classes must be inlined, not nested jars");
        }
    }

    /** The packaged classes alone (no upstream jar on the class path) load the native library and run a model. */
    @Test
    void thePackagedJarAloneRunsAModel() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {bundle().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> envClass = loader.loadClass("ai.onnxruntime.OrtEnvironment");
            Class<?> sessionClass = loader.loadClass("ai.onnxruntime.OrtSession");
            Class<?> tensorClass = loader.loadClass("ai.onnxruntime.OnnxTensor");
            Class<?> resultClass = loader.loadClass("ai.onnxruntime.OrtSession$Result");
            Class<?> valueClass = loader.loadClass("ai.onnxruntime.OnnxValue");
            Object env = envClass.getMethod("getEnvironment").invoke(null);
            Object session = envClass.getMethod("createSession", byte[].class).invoke(env, (Object) TinyModel.sigmoid());
            FloatBuffer in = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asFloatBuffer();
            in.put(new float[] {0f, 0f}).flip();
            Object tensor = tensorClass.getMethod("createTensor", envClass, FloatBuffer.class, long[].class)
                    .invoke(null, env, in, new long[] {1, 2});
            Object result = sessionClass.getMethod("run", Map.class).invoke(session, Map.of("x", tensor));
            Object first = resultClass.getMethod("get", int.class).invoke(result, 0);
            float[][] y = (float[][]) valueClass.getMethod("getValue").invoke(first);
            assertEquals(0.5f, y[0][0], 1e-6f);
            assertEquals(0.5f, y[0][1], 1e-6f);
            for (Object closeable : List.of(result, tensor, session)) {
                Method close = closeable.getClass().getMethod("close");
                close.invoke(closeable);
            }
        }
    }
}
