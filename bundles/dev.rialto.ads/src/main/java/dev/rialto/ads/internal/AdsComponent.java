package dev.rialto.ads.internal;

import dev.rialto.ads.internal.beacon.BeaconTokens;
import dev.rialto.ads.internal.beacon.Beacons;
import dev.rialto.ads.internal.engine.AdEngine;
import dev.rialto.ads.internal.engine.Inventory;
import dev.rialto.ads.internal.engine.NamedRule;
import dev.rialto.ads.internal.engine.Services;
import dev.rialto.ads.internal.engine.Settings;
import dev.rialto.ads.internal.store.JdbcAdStore;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdInventory;
import dev.rialto.api.ads.AdPlacementEngine;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.CampaignReport;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.PlacementRule;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventListener;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import dev.rialto.api.rules.RuleEvaluator;
import dev.rialto.api.scoring.InterestScorer;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement engine and the ad inventory as services, on the store's DataSource. The mandatory
 * {@link EventRepository} reference makes the store activate (and migrate, V3 holds the ad tables) before this
 * component reads them; impressions and clicks are stored through it as events too.
 */
@Component(name = AdsConfig.PID, configurationPid = AdsConfig.PID,
        service = {AdPlacementEngine.class, AdInventory.class, Beacons.class, EventListener.class},
        property = ServiceProperties.BEAN_NAME + "=ads")
@Designate(ocd = AdsConfig.class)
public class AdsComponent implements AdPlacementEngine, AdInventory, Services, Beacons, EventListener {
    private static final Logger LOG = LoggerFactory.getLogger(AdsComponent.class);

    private final EventRepository events;
    private final Inventory inventory;
    private final AdEngine engine;
    private final BeaconTokens beacons;
    private final AtomicReference<ProfileRepository> profiles = new AtomicReference<>();
    private final AtomicReference<ItemRepository> items = new AtomicReference<>();
    private final AtomicReference<InterestScorer> scorer = new AtomicReference<>();
    private final Map<ServiceReference<PlacementRule>, NamedRule> plugins = new ConcurrentHashMap<>();

    @Activate
    public AdsComponent(@Reference(name = "dataSource", target = "(dataSourceName=rialto)") DataSource dataSource,
            @Reference(name = "events") EventRepository events, @Reference(name = "rules") RuleEvaluator evaluator,
            AdsConfig config) {
        this.events = events;
        Settings settings = settings(config);
        JdbcAdStore store = new JdbcAdStore(dataSource);
        this.inventory = new Inventory(store);
        this.engine = new AdEngine(inventory, store, evaluator, this, settings,
                Clock.systemUTC(), ThreadLocalRandom::current);
        this.beacons = new BeaconTokens(config.beacon_secret(), settings.decisionTtl(), Clock.systemUTC());
        refreshPlugins();
        LOG.info("Ad placement engine started: {} campaigns, {} creatives, {} slots; rules {}",
                inventory.campaigns().size(), inventory.creatives().size(), inventory.slots().size(),
                engine.ruleNames());
    }

    static Settings settings(AdsConfig c) {
        return new Settings(c.consent_unknown_allows(), zone(c.user_zone(), "user.zone"),
                zone(c.pacing_zone(), "pacing.zone"), c.exploration_share(), c.cpa_conversion_rate(),
                c.history_limit(), positiveMinutes(c.decision_ttl_minutes()), Duration.ofSeconds(c.pacing_slot_seconds()),
                c.pacing_adjust(), c.pacing_initial_rate(), c.pacing_min_rate(), c.ctr_prior_mean(),
                c.ctr_prior_strength(), Duration.ofHours(c.attribution_click_hours()),
                Duration.ofHours(c.attribution_view_hours()), c.cvr_prior_strength(),
                Duration.ofMinutes(c.pacing_catchup_minutes()));
    }

    private static Duration positiveMinutes(int minutes) {
        if (minutes < 1) {
            throw new IllegalArgumentException("decision.ttl.minutes must be positive, was " + minutes);
        }
        return Duration.ofMinutes(minutes);
    }

    private static ZoneId zone(String id, String property) {
        try {
            return ZoneId.of(id == null || id.isBlank() ? "UTC" : id.strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(property + " '" + id + "' is not a time zone id such as UTC or"
                    + " Europe/Berlin");
        }
    }

    // --- plug-in rules

    @Reference(name = "placementRule", service = PlacementRule.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unbindRule")
    void bindRule(ServiceReference<PlacementRule> reference, PlacementRule rule) {
        Object name = reference.getProperty(ServiceProperties.PROVIDER);
        String ruleName = name == null ? "rule-" + reference.getProperty(Constants.SERVICE_ID) : name.toString();
        plugins.put(reference, new NamedRule(ruleName, rule));
        refreshPlugins();
        LOG.info("Placement rule {} added", ruleName);
    }

    void unbindRule(ServiceReference<PlacementRule> reference, PlacementRule rule) {
        NamedRule removed = plugins.remove(reference);
        refreshPlugins();
        if (removed != null) {
            LOG.info("Placement rule {} removed", removed.name());
        }
    }

    private void refreshPlugins() {
        AdEngine current = engine;
        if (current != null) {
            current.plugins(List.copyOf(plugins.values()));
        }
    }

    public List<String> ruleNames() {
        return engine.ruleNames();
    }

    // --- optional services

    @Reference(name = "profiles", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindProfiles")
    void bindProfiles(ProfileRepository service) {
        profiles.set(service);
    }

    void unbindProfiles(ProfileRepository service) {
        profiles.compareAndSet(service, null);
    }

    @Reference(name = "items", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindItems")
    void bindItems(ItemRepository service) {
        items.set(service);
    }

    void unbindItems(ItemRepository service) {
        items.compareAndSet(service, null);
    }

    @Reference(name = "scorer", target = "(rialto.provider=ads)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindScorer")
    void bindScorer(InterestScorer service) {
        scorer.set(service);
    }

    void unbindScorer(InterestScorer service) {
        scorer.compareAndSet(service, null);
    }

    // --- Services for the engine

    @Override
    public Profile profile(String userId) {
        ProfileRepository repository = profiles.get();
        if (repository == null) {
            return null;
        }
        try {
            return repository.find(userId).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Reading a profile failed; deciding without it", e);
            return null;
        }
    }

    @Override
    public List<Event> recentEvents(String userId, int limit) {
        try {
            return events.recentForUser(userId, limit);
        } catch (RuntimeException e) {
            LOG.warn("Reading recent events failed; deciding without them", e);
            return List.of();
        }
    }

    @Override
    public Map<String, String> categories(Collection<String> itemIds) {
        ItemRepository repository = items.get();
        if (repository == null) {
            return Map.of();
        }
        try {
            Map<String, String> out = new HashMap<>();
            for (Map.Entry<String, Item> e : repository.findAll(itemIds).entrySet()) {
                out.put(e.getKey(), e.getValue().category());
            }
            return out;
        } catch (RuntimeException e) {
            LOG.warn("Reading item categories failed; deciding without them", e);
            return Map.of();
        }
    }

    @Override
    public InterestScorer scorer() {
        return scorer.get();
    }

    @Override
    public boolean record(Event event) {
        events.append(List.of(event));
        return true;
    }

    // --- purchases: attributed to ad clicks and impressions (CPA)

    @Override
    public void eventsStored(List<Event> stored) {
        for (Event event : stored) {
            if (event.type() != EventType.PURCHASE) {
                continue;
            }
            try {
                engine.recordPurchase(event);
            } catch (RuntimeException e) {
                LOG.warn("Attributing purchase {} to ads failed", event.id(), e);
            }
        }
    }

    // --- beacon tokens

    @Override
    public String sign(String decisionId, String creativeId) {
        return beacons.sign(decisionId, creativeId);
    }

    @Override
    public BeaconTokens.Claim verify(String token) throws BeaconTokens.BadTokenException {
        return beacons.verify(token);
    }

    // --- AdPlacementEngine

    @Override
    public AdDecision decide(AdRequest request) {
        return engine.decide(request);
    }

    @Override
    public boolean recordImpression(String decisionId) {
        return engine.recordImpression(decisionId);
    }

    @Override
    public boolean recordClick(String decisionId) {
        return engine.recordClick(decisionId);
    }

    @Override
    public CampaignReport report(String campaignId) {
        return engine.report(campaignId);
    }

    // --- AdInventory

    @Override
    public List<Advertiser> advertisers() {
        return inventory.advertisers();
    }

    @Override
    public List<AdCampaign> campaigns() {
        return inventory.campaigns();
    }

    @Override
    public List<Creative> creatives() {
        return inventory.creatives();
    }

    @Override
    public List<Slot> slots() {
        return inventory.slots();
    }

    @Override
    public Optional<Advertiser> advertiser(String id) {
        return inventory.advertiser(id);
    }

    @Override
    public Optional<AdCampaign> campaign(String id) {
        return inventory.campaign(id);
    }

    @Override
    public Optional<Creative> creative(String id) {
        return inventory.creative(id);
    }

    @Override
    public Optional<Slot> slot(String id) {
        return inventory.slot(id);
    }

    @Override
    public void save(Advertiser advertiser) {
        inventory.save(advertiser);
    }

    @Override
    public void save(AdCampaign campaign) {
        inventory.save(campaign);
    }

    @Override
    public void save(Creative creative) {
        inventory.save(creative);
    }

    @Override
    public void save(Slot slot) {
        inventory.save(slot);
    }

    @Override
    public boolean delete(String kind, String id) {
        return inventory.delete(kind, id);
    }
}
