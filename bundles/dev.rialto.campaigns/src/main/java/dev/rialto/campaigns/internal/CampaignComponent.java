package dev.rialto.campaigns.internal;

import dev.rialto.api.ads.AdPlacementEngine;
import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.Purpose;
import dev.rialto.api.campaigns.RunReport;
import dev.rialto.api.campaigns.RunSummary;
import dev.rialto.api.campaigns.SegmentPreview;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.profiles.ProfileRepository;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.rules.RuleEvaluator;
import dev.rialto.campaigns.internal.schedule.CampaignScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaign service: wires {@link CampaignManager} to the store, the recommender, content and ads services
 * and the delivery channels, which may come and go (a run whose step or channel is missing fails with a message
 * naming the feature to install).
 */
@Component(name = CampaignsConfig.PID, configurationPid = CampaignsConfig.PID,
        service = CampaignService.class, property = ServiceProperties.BEAN_NAME + "=campaigns")
@Designate(ocd = CampaignsConfig.class)
public final class CampaignComponent implements CampaignService {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignComponent.class);

    private final Map<String, DeliveryChannel> channels = new ConcurrentHashMap<>();
    private final AtomicReference<Recommender> recommender = new AtomicReference<>();
    private final AtomicReference<ContentGenerator> content = new AtomicReference<>();
    private final AtomicReference<AdPlacementEngine> ads = new AtomicReference<>();
    private final AtomicReference<RuleEvaluator> rules = new AtomicReference<>();
    private final CampaignManager manager;
    private final CampaignScheduler scheduler;

    @Activate
    public CampaignComponent(@Reference(name = "dataSource", target = "(dataSourceName=rialto)") DataSource dataSource,
            // Also makes sure the store has migrated the schema before the first query.
            @Reference(name = "profiles") ProfileRepository profiles,
            @Reference(name = "events") EventRepository events, @Reference(name = "items") ItemRepository items,
            CampaignsConfig config, BundleContext bundleContext) {
        String node = config.node() == null || config.node().isBlank()
                ? System.getProperty("karaf.name", "rialto") : config.node().strip();
        if (config.workers() < 1 || config.chunk_size() < 1 || config.max_attempts() < 1 || config.lease_seconds() < 3) {
            throw new IllegalArgumentException("workers, chunk.size and max.attempts must be at least 1 and"
                    + " lease.seconds at least 3");
        }
        CampaignTables tables = new CampaignTables(dataSource);
        boolean personalisation = config.consent_unknown_personalisation();
        StoreAudience audience = new StoreAudience(dataSource, profiles, () -> {
            RuleEvaluator evaluator = rules.get();
            return evaluator == null ? null
                    : new RuleSegments(evaluator, dataSource, events, items, personalisation, Clock.systemUTC());
        });
        StepComposer composer = new StepComposer(recommender::get, () -> {
            ContentGenerator generator = content.get();
            return generator == null ? null : ServiceSteps.generator(generator);
        }, () -> {
            AdPlacementEngine engine = ads.get();
            return engine == null ? null : ServiceSteps.ads(engine);
        }, this::purpose);
        RunEngine.Settings settings = new RunEngine.Settings(config.chunk_size(), config.max_attempts(),
                Duration.ofMillis(Math.max(0, config.retry_backoff_ms())), config.consent_unknown_email(),
                config.consent_unknown_personalisation(), config.consent_unknown_ads());
        manager = new CampaignManager(tables, audience, composer, channels::get, node, config.workers(),
                Duration.ofSeconds(config.lease_seconds()), settings, Clock.systemUTC());
        scheduler = new CampaignScheduler(bundleContext, this);
        manager.addListener(scheduler);
        Thread recovery = new Thread(() -> {
            try {
                manager.recover();
            } catch (RuntimeException e) {
                LOG.warn("Resuming interrupted campaign runs failed: {}", e.getMessage());
            }
        }, "rialto-campaign-recovery");
        recovery.setDaemon(true);
        recovery.start();
        LOG.info("Campaigns active on node {} ({} worker(s))", node, config.workers());
    }

    private Purpose purpose(String channel) {
        DeliveryChannel c = channel == null ? null : channels.get(channel);
        return c == null ? null : c.purpose();
    }

    @Deactivate
    void deactivate() {
        scheduler.close();
        manager.close();
    }

    CampaignManager manager() {
        return manager;
    }

    @Reference(name = "channel", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unbindChannel")
    void bindChannel(DeliveryChannel channel, Map<String, Object> properties) {
        Object name = properties.get(ServiceProperties.PROVIDER);
        if (name == null) {
            LOG.warn("A delivery channel without {} is ignored: {}", ServiceProperties.PROVIDER, channel);
            return;
        }
        channels.put(name.toString(), channel);
    }

    void unbindChannel(DeliveryChannel channel, Map<String, Object> properties) {
        Object name = properties.get(ServiceProperties.PROVIDER);
        if (name != null) {
            channels.remove(name.toString(), channel);
        }
    }

    @Reference(name = "recommender", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindRecommender")
    void bindRecommender(Recommender service) {
        recommender.set(service);
    }

    void unbindRecommender(Recommender service) {
        recommender.compareAndSet(service, null);
    }

    @Reference(name = "content", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindContent")
    void bindContent(ContentGenerator service) {
        content.set(service);
    }

    void unbindContent(ContentGenerator service) {
        content.compareAndSet(service, null);
    }

    @Reference(name = "ads", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindAds")
    void bindAds(AdPlacementEngine service) {
        ads.set(service);
    }

    void unbindAds(AdPlacementEngine service) {
        ads.compareAndSet(service, null);
    }

    @Reference(name = "rules", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindRules")
    void bindRules(RuleEvaluator service) {
        rules.set(service);
    }

    void unbindRules(RuleEvaluator service) {
        rules.compareAndSet(service, null);
    }

    @Override
    public List<CampaignDefinition> list() {
        return manager.list();
    }

    @Override
    public Optional<CampaignDefinition> get(String id) {
        return manager.get(id);
    }

    @Override
    public void save(CampaignDefinition definition, String origin) {
        manager.save(definition, origin);
    }

    @Override
    public boolean delete(String id) {
        return manager.delete(id);
    }

    @Override
    public RunSummary trigger(String campaignId, String trigger) {
        return manager.trigger(campaignId, trigger);
    }

    @Override
    public RunSummary runAndWait(String campaignId, String trigger) throws InterruptedException {
        return manager.runAndWait(campaignId, trigger);
    }

    @Override
    public List<RunSummary> runs(String campaignId, int limit) {
        return manager.runs(campaignId, limit);
    }

    @Override
    public RunReport report(String runId) {
        return manager.report(runId);
    }

    @Override
    public SegmentPreview previewSegment(String ruleJson, int sampleSize) {
        return manager.previewSegment(ruleJson, sampleSize);
    }
}
