package dev.rialto.embeddings.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.rialto.api.embeddings.EmbeddingException;
import dev.rialto.api.embeddings.TextEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model on ONNX Runtime with its HuggingFace tokenizer. Thread-safe: ORT sessions and DJL tokenizers may be
 * used concurrently, and each call owns its tensors.
 */
public final class OnnxTextEmbedder implements TextEmbedder, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxTextEmbedder.class);
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String OUTPUT = "last_hidden_state";

    private final ModelSpec spec;
    private final int batchSize;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTokenTypes;
    private final String output;
    // Closing the native session or tokenizer while another thread runs it crashes the JVM (seen when the bundle
    // stopped while the index embedded items): embedding holds the read lock, close waits for the write lock.
    private final ReadWriteLock guard = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * Loads the model and tokenizer from this bundle's resources.
     *
     * @param maxTokens longer texts are truncated to this many tokens, special tokens included
     * @param nativeRoot the folder under which DJL unpacks its native library
     */
    public OnnxTextEmbedder(ModelSpec spec, int maxTokens, int batchSize, int intraOpThreads, Path nativeRoot) {
        this.spec = spec;
        this.batchSize = batchSize;
        long start = System.nanoTime();
        this.tokenizer = loadTokenizer(spec, maxTokens, nativeRoot);
        OrtSession s = null;
        try {
            this.env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(intraOpThreads);
                options.setInterOpNumThreads(1);
                // Spinning threads burn the few cores of small machines between requests.
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                options.addConfigEntry("session.inter_op.allow_spinning", "0");
                s = env.createSession(resource(spec.onnxResource()), options);
            }
            Set<String> inputs = s.getInputNames();
            if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
                throw new IllegalStateException("model " + spec.name() + " lacks input_ids/attention_mask: " + inputs);
            }
            this.wantsTokenTypes = inputs.contains(TOKEN_TYPE_IDS);
            Map<String, NodeInfo> outputs = s.getOutputInfo();
            this.output = outputs.containsKey(OUTPUT) ? OUTPUT : outputs.keySet().iterator().next();
            long[] shape = ((TensorInfo) outputs.get(output).getInfo()).getShape();
            if (shape.length != 3 || shape[2] != spec.dimensions()) {
                throw new IllegalStateException("model " + spec.name() + " output " + output + " has shape "
                        + java.util.Arrays.toString(shape) + ", expected [batch, tokens, " + spec.dimensions() + "]");
            }
            this.session = s;
        } catch (OrtException | RuntimeException e) {
            closeQuietly(s);
            tokenizer.close();
            throw new EmbeddingException("Cannot load embedding model " + spec.name() + ": " + e.getMessage(), e);
        }
        LOG.info("Embedding model {} loaded in {} ms ({} dims, max {} tokens, batch {}, intra-op threads {})",
                spec.name(), (System.nanoTime() - start) / 1_000_000, spec.dimensions(), maxTokens, batchSize,
                intraOpThreads);
    }

    private static HuggingFaceTokenizer loadTokenizer(ModelSpec spec, int maxTokens, Path nativeRoot) {
        DjlNative.prepare(nativeRoot);
        Map<String, String> options = Map.of("truncation", "true", "padding", "false",
                "maxLength", Integer.toString(maxTokens), "addSpecialTokens", "true");
        // DJL finds its native library and platform file through the context class loader: make it ours, as
        // Karaf's threads carry some other bundle's loader or none.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(OnnxTextEmbedder.class.getClassLoader());
        try (InputStream in = open(spec.tokenizerResource())) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException | RuntimeException e) {
            throw new EmbeddingException("Cannot load the tokenizer of " + spec.name() + ": " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public String model() {
        return spec.name();
    }

    @Override
    public int dimensions() {
        return spec.dimensions();
    }

    @Override
    public Set<String> languages() {
        return spec.languages();
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batchSize) {
            int to = Math.min(texts.size(), from + batchSize);
            float[][] part;
            guard.readLock().lock();
            try {
                if (closed) {
                    throw new EmbeddingException("Embedding model " + spec.name() + " is closed (its bundle stopped)", null);
                }
                part = embedBatch(texts.subList(from, to));
            } finally {
                guard.readLock().unlock();
            }
            System.arraycopy(part, 0, out, from, part.length);
        }
        return out;
    }

    private float[][] embedBatch(List<String> texts) {
        String[] clean = new String[texts.size()];
        for (int i = 0; i < clean.length; i++) {
            String t = texts.get(i);
            clean[i] = t == null ? "" : t;
        }
        Encoding[] encodings = tokenizer.batchEncode(clean);
        int rows = encodings.length;
        int len = 1;
        for (Encoding e : encodings) {
            len = Math.max(len, e.getIds().length);
        }
        // Pad to the longest text of this batch with id 0 ([PAD]) and mask 0; pooling ignores masked tokens.
        LongBuffer ids = directLongs(rows * len);
        LongBuffer mask = directLongs(rows * len);
        LongBuffer types = directLongs(rows * len);
        long[][] masks = new long[rows][];
        for (int r = 0; r < rows; r++) {
            long[] id = encodings[r].getIds();
            long[] am = encodings[r].getAttentionMask();
            long[] tt = encodings[r].getTypeIds();
            masks[r] = am;
            int base = r * len;
            for (int c = 0; c < id.length; c++) {
                ids.put(base + c, id[c]);
                mask.put(base + c, am[c]);
                types.put(base + c, tt[c]);
            }
        }
        long[] shape = {rows, len};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, ids, shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, mask, shape));
            if (wantsTokenTypes) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, types, shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxValue value = result.get(output).orElseThrow();
                FloatBuffer hidden = ((OnnxTensor) value).getFloatBuffer();
                return pool(hidden, masks, len);
            }
        } catch (OrtException e) {
            throw new EmbeddingException("Embedding model " + spec.name() + " failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Pools {@code [rows, len, dims]} into one unit vector per row. */
    private float[][] pool(FloatBuffer hidden, long[][] masks, int len) {
        int dims = spec.dimensions();
        float[][] out = new float[masks.length][dims];
        for (int r = 0; r < masks.length; r++) {
            float[] v = out[r];
            int rowBase = r * len * dims;
            if (spec.pooling() == ModelSpec.Pooling.CLS) {
                hidden.get(rowBase, v, 0, dims);
            } else {
                int n = 0;
                for (int t = 0; t < masks[r].length; t++) {
                    if (masks[r][t] == 0) {
                        continue;
                    }
                    n++;
                    int base = rowBase + t * dims;
                    for (int d = 0; d < dims; d++) {
                        v[d] += hidden.get(base + d);
                    }
                }
                if (n > 0) {
                    for (int d = 0; d < dims; d++) {
                        v[d] /= n;
                    }
                }
            }
            normalise(v);
        }
        return out;
    }

    static void normalise(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return;
        }
        float inv = (float) (1.0 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }

    private static LongBuffer directLongs(int n) {
        return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = OnnxTextEmbedder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " is not in the bundle");
        }
        return in;
    }

    private static byte[] resource(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                LOG.debug("Closing a half-loaded session failed", e);
            }
        }
    }

    /** Waits for the batches in flight, then frees the native session and tokenizer; later calls fail cleanly. */
    @Override
    public void close() {
        guard.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(session);
                tokenizer.close();
            }
        } finally {
            guard.writeLock().unlock();
        }
    }
}
