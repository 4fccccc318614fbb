package dev.rialto.scoring.onnx.internal.registry;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.scoring.onnx.internal.features.IndexedLayout;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validated, warmed-up session. Reference counted: the registry holds one reference while the model is live
 * and every request holds one through a {@link ModelLease}; the session closes when the last one is released,
 * so a swap never closes a session under a running request.
 */
public final class LoadedModel {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

    private final ModelCard card;
    private final ModelInfo info;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final RefCount references = new RefCount();
    private final AtomicBoolean retired = new AtomicBoolean();

    private final Map<String, Long> vocabulary;
    /** For an indexed-layout card: its input names in {@link IndexedLayout#INPUTS} order (looked up once). */
    private final String[] indexedInputs;

    LoadedModel(ModelCard card, ModelInfo info, OrtSession session, OrtSession.SessionOptions options,
            Map<String, Long> vocabulary) {
        this.card = card;
        this.vocabulary = vocabulary;
        this.info = info;
        this.session = session;
        this.options = options;
        this.indexedInputs = card.indexed()
                ? IndexedLayout.INPUTS.stream().map(f -> card.input(f).name()).toArray(String[]::new) : null;
    }

    /** The input names of an indexed-layout card in {@link IndexedLayout#INPUTS} order, else null. */
    public String[] indexedInputs() {
        return indexedInputs;
    }

    public ModelCard card() {
        return card;
    }

    public ModelInfo info() {
        return info;
    }

    public OrtSession session() {
        return session;
    }

    /** Item id to the integer the id inputs take; empty when the model has no id input. */
    public Map<String, Long> vocabulary() {
        return vocabulary;
    }

    /** The integer of an item for the id inputs: its vocabulary entry, else the out-of-vocabulary index. */
    public long itemIndex(String itemId) {
        Long at = itemId == null ? null : vocabulary.get(itemId);
        return at != null ? at : card.vocabulary().oov();
    }

    /** The dense input's feature columns (empty for a model with only id inputs). */
    public List<String> features() {
        return card.features();
    }

    /** {@code name@version}, for logs and traces. */
    public String id() {
        return info.name() + "@" + info.version();
    }

    /** Takes a reference unless the model is already closed (then the caller looks the live model up again). */
    boolean acquire() {
        return references.acquire();
    }

    void release() {
        if (references.release()) {
            try {
                session.close();
                options.close();
                LOG.info("Closed the session of model {}", id());
            } catch (OrtException | RuntimeException e) {
                LOG.warn("Closing the session of model {} failed", id(), e);
            }
        }
    }

    /** Drops the registry's reference, once; the session closes after the requests still running on it. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    boolean isClosed() {
        return references.isZero();
    }
}
