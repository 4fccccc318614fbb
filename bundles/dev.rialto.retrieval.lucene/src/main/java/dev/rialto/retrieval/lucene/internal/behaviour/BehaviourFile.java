package dev.rialto.retrieval.lucene.internal.behaviour;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.rialto.api.retrieval.BehaviourVectors;
import dev.rialto.api.retrieval.FoldInConfidence;

/**
 * The published behaviour vectors on disk, so that a restart keeps them: a small binary format (magic, version,
 * header, then id and floats per vector), written to a temporary file and moved into place.
 */
public final class BehaviourFile {

    private static final int MAGIC = 0x52425631; // "RBV1"
    /** 2 adds the fold-in confidence after the header (a flag, then the form's name and alpha); 1 is still read. */
    private static final int FORMAT = 2;
    static final String NAME = "behaviour-vectors.bin";

    private final Path file;

    public BehaviourFile(Path dir) {
        this.file = dir.resolve(NAME);
    }

    public Path path() {
        return file;
    }

    public void write(BehaviourVectors v) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(NAME + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(v.model());
            out.writeUTF(v.version());
            out.writeInt(v.dimension());
            out.writeDouble(v.regularisation());
            out.writeLong(v.trainedAt().getEpochSecond());
            out.writeInt(v.trainedAt().getNano());
            out.writeBoolean(v.confidence() != null);
            if (v.confidence() != null) {
                out.writeUTF(v.confidence().form().name());
                out.writeDouble(v.confidence().alpha());
            }
            writeMap(out, v.items());
            writeMap(out, v.users());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeMap(DataOutputStream out, Map<String, float[]> vectors) throws IOException {
        out.writeInt(vectors.size());
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            out.writeUTF(e.getKey());
            for (float f : e.getValue()) {
                out.writeFloat(f);
            }
        }
    }

    /** The stored vectors, or empty when none were published. */
    public Optional<BehaviourVectors> read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream is = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a behaviour vectors file");
            }
            int format = in.readInt();
            if (format != 1 && format != FORMAT) {
                throw new IOException(file + ": unknown format " + format);
            }
            String model = in.readUTF();
            String version = in.readUTF();
            int dims = in.readInt();
            double reg = in.readDouble();
            Instant trainedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            FoldInConfidence confidence = null;
            if (format >= 2 && in.readBoolean()) {
                String form = in.readUTF();
                try {
                    confidence = new FoldInConfidence(FoldInConfidence.Form.valueOf(form), in.readDouble());
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": bad fold-in confidence (" + form + "): " + e.getMessage(), e);
                }
            }
            Map<String, float[]> items = readMap(in, dims);
            Map<String, float[]> users = readMap(in, dims);
            return Optional.of(new BehaviourVectors(model, version, dims, items, users, reg, trainedAt, confidence));
        }
    }

    private static Map<String, float[]> readMap(DataInputStream in, int dims) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative vector count " + n);
        }
        Map<String, float[]> out = new HashMap<>(Math.max(16, (int) (n / 0.75f) + 1));
        for (int i = 0; i < n; i++) {
            String id = in.readUTF();
            float[] v = new float[dims];
            for (int j = 0; j < dims; j++) {
                v[j] = in.readFloat();
            }
            out.put(id, v);
        }
        return out;
    }
}
