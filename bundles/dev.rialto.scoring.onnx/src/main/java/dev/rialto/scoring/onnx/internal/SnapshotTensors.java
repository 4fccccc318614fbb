package dev.rialto.scoring.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.rialto.api.common.RialtoException;
import dev.rialto.api.scoring.FeatureSnapshot;
import dev.rialto.scoring.onnx.internal.features.IndexedLayout;
import dev.rialto.scoring.onnx.internal.registry.RefCount;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One snapshot's item tables of the indexed layout as ONNX tensors, created once and passed to every run against
 * that snapshot. Reference counted like a model: the scorer holds one reference while the snapshot is current and
 * each request one while it runs, so a new snapshot never frees tables under a running request.
 */
final class SnapshotTensors {
    final FeatureSnapshot snapshot;
    final IndexedLayout.Tables tables;
    final OnnxTensor itemValues;
    final OnnxTensor itemKeys;
    final OnnxTensor itemVectors;
    private final RefCount references = new RefCount();
    private final AtomicBoolean retired = new AtomicBoolean();

    SnapshotTensors(FeatureSnapshot snapshot) {
        this.snapshot = snapshot;
        this.tables = IndexedLayout.tables(snapshot);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OnnxTensor values = null;
        OnnxTensor keys = null;
        try {
            // Direct buffers: the tensors use their memory as is, no copy per run.
            values = OnnxTensor.createTensor(env, floats(tables.itemValues),
                    new long[] {tables.rows, IndexedLayout.ITEM_VALUE_COLUMNS.size()});
            keys = OnnxTensor.createTensor(env, longs(tables.itemKeys), new long[] {tables.rows});
            this.itemVectors = OnnxTensor.createTensor(env, floats(tables.itemVectors),
                    new long[] {tables.rows, tables.dimension});
        } catch (OrtException e) {
            if (values != null) {
                values.close();
            }
            if (keys != null) {
                keys.close();
            }
            throw new RialtoException("cannot create the item tables of " + snapshot + " for ONNX Runtime", e);
        }
        this.itemValues = values;
        this.itemKeys = keys;
    }

    /** Takes a reference unless the tables are already closed. */
    boolean acquire() {
        return references.acquire();
    }

    void release() {
        if (references.release()) {
            itemValues.close();
            itemKeys.close();
            itemVectors.close();
        }
    }

    /** Drops the holder's reference, once. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    static FloatBuffer floats(float[] values) {
        FloatBuffer out = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        out.put(values).flip();
        return out;
    }

    static LongBuffer longs(long[] values) {
        LongBuffer out = ByteBuffer.allocateDirect(values.length * Long.BYTES).order(ByteOrder.nativeOrder())
                .asLongBuffer();
        out.put(values).flip();
        return out;
    }
}
