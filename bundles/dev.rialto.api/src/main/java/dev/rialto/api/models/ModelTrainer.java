package dev.rialto.api.models;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Trains a model from the store, evaluates it on a held-out time split and writes it (ONNX plus model card)
 * to the models folder when it is good enough. Registered with {@code rialto.bean=trainer}.
 */
@ProviderType
public interface ModelTrainer {

    /**
     * Trains now. With {@code force == false} the run is skipped when no event arrived since the last run.
     * Concurrent calls do not train twice: a call made while a run is going returns a SKIPPED report.
     */
    TrainingReport train(boolean force);

    /** The report of the last run, if any. */
    Optional<TrainingReport> lastReport();
}
