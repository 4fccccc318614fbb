package dev.rialto.scoring.onnx.internal;

import dev.rialto.api.catalog.ItemChangeListener;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.EventListener;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.privacy.UserDataListener;
import dev.rialto.api.retrieval.BehaviourVectorReader;
import dev.rialto.api.scoring.FeatureExtractor;
import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.scoring.onnx.internal.registry.OnnxModelRegistry;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The ad click model's scorer: the same ONNX scorer, serving the model {@code ads-ctr} (trained by the trainer from
 * impression and ad_click events) under {@code rialto.provider=ads}, which the ads engine binds for pCTR. The
 * candidate ids are creative ids; the model reads the extractor's {@code ad_*} features. Without a model the
 * engine keeps its historical CTR. Ranked below the ranker's scorer, so that a consumer that takes any scorer
 * gets the ranker's.
 */
@Component(name = AdInterestScorer.PID, configurationPid = AdInterestScorer.PID,
        service = {InterestScorer.class, EventListener.class, ItemChangeListener.class, UserDataListener.class},
        property = {ServiceProperties.PROVIDER + "=ads", "model.name=ads-ctr", Constants.SERVICE_RANKING + ":Integer=-100",
                // The ad click model's history (the trainer's ads.history.limit), not the ranker's 1,000.
                "history.limit:Integer=100"})
@Designate(ocd = ScoringConfig.class)
public class AdInterestScorer extends OnnxInterestScorer {
    public static final String PID = "dev.rialto.scoring.onnx.ads";

    @Activate
    public AdInterestScorer(@Reference(name = "extractor") FeatureExtractor extractor,
            @Reference(name = "registry") OnnxModelRegistry registry, @Reference(name = "items") ItemRepository items,
            @Reference(name = "events") EventRepository events) {
        super(extractor, registry, items, events);
    }

    /**
     * The behaviour vectors, bound as in the ranker's scorer: the two share one feature snapshot, and while this one
     * had none, each rebuilt it every minute, in turn with and without the vectors.
     */
    @Reference(name = "behaviour", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindBehaviour")
    void bindBehaviour(BehaviourVectorReader reader) {
        setBehaviour(reader);
    }

    void unbindBehaviour(BehaviourVectorReader reader) {
        if (behaviour == reader) { // a greedy replacement is bound before the old one goes
            setBehaviour(null);
        }
    }

    @Activate
    @Override
    public synchronized void activate(ScoringConfig config) {
        super.activate(config);
    }

    @Modified
    @Override
    public synchronized void modified(ScoringConfig config) {
        super.modified(config);
    }

    @Deactivate
    @Override
    public synchronized void deactivate() {
        super.deactivate();
    }
}
