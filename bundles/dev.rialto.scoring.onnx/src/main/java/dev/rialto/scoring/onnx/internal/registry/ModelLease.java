package dev.rialto.scoring.onnx.internal.registry;

import java.util.concurrent.atomic.AtomicBoolean;

/** One request's hold on a model: use it in try-with-resources so the session outlives the request. */
public final class ModelLease implements AutoCloseable {
    private final LoadedModel model;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelLease(LoadedModel model) {
        this.model = model;
    }

    public LoadedModel model() {
        return model;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.release();
        }
    }
}
