package dev.rialto.ads.internal.engine;

import dev.rialto.ads.internal.rules.RuleEvaluatorComponent;
import dev.rialto.ads.internal.store.MemoryAdStore;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdStatus;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.FrequencyCap;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.ads.Tier;
import dev.rialto.api.events.Event;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.rules.Rule;
import dev.rialto.api.scoring.InterestScorer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** An engine on an in-memory store, a settable clock and a seeded random source, with recording fakes. */
final class Fixture implements Services {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final MemoryAdStore store;
    final MutableClock clock = new MutableClock(T0);
    final RuleEvaluatorComponent rules = new RuleEvaluatorComponent();
    final List<Event> events = new ArrayList<>();
    final Map<String, Profile> profiles = new HashMap<>();
    final Map<String, List<Event>> history = new HashMap<>();
    final Map<String, String> categories = new HashMap<>();
    InterestScorer scorer;
    Settings settings = new Settings(false, ZoneId.of("UTC"), ZoneId.of("UTC"), 0, 0.05, 200, Duration.ofHours(1),
            Duration.ofMinutes(1), 0.1, 1.0, 0.001, 0.01, 200);
    private final SplittableRandom random = new SplittableRandom(42);
    Inventory inventory;
    AdEngine engine;

    Fixture() {
        this(new MemoryAdStore());
    }

    Fixture(MemoryAdStore store) {
        this.store = store;
    }

    Fixture withSettings(Settings s) {
        this.settings = s;
        return this;
    }

    /** Builds (or rebuilds, as after a restart) the engine on the store. */
    AdEngine start() {
        inventory = new Inventory(store);
        engine = new AdEngine(inventory, store, rules, this, settings, clock, () -> random);
        return engine;
    }

    static AdCampaign campaign(String id, Tier tier, BidType type, String bid, Rule targeting,
            List<FrequencyCap> caps, Set<String> labels, String daily, PacingMode pacing) {
        return new AdCampaign(id, "adv", "Campaign " + id, AdStatus.ACTIVE, T0.minus(Duration.ofDays(1)), null, null,
                daily == null ? null : new BigDecimal(daily), type, new BigDecimal(bid), tier, targeting, caps, labels,
                pacing);
    }

    static AdCampaign auction(String id, BidType type, String bid) {
        return campaign(id, Tier.AUCTION, type, bid, null, List.of(), Set.of(), null, PacingMode.ASAP);
    }

    static Creative creative(String id, String campaign) {
        return new Creative(id, campaign, "banner", "300x250", "Headline " + id, "", null,
                "https://example.com/" + id, List.of(), AdStatus.ACTIVE);
    }

    Fixture basics(String reserve) {
        store.save(new Advertiser("adv", "Advertiser", AdStatus.ACTIVE));
        store.save(new Slot("top", "Top banner", "banner", "300x250", new BigDecimal(reserve), "home", 2));
        return this;
    }

    Fixture add(AdCampaign campaign, String... creativeIds) {
        store.save(campaign);
        for (String id : creativeIds) {
            store.save(creative(id, campaign.id()));
        }
        return this;
    }

    @Override
    public Profile profile(String userId) {
        return profiles.get(userId);
    }

    @Override
    public List<Event> recentEvents(String userId, int limit) {
        return history.getOrDefault(userId, List.of());
    }

    @Override
    public Map<String, String> categories(Collection<String> itemIds) {
        Map<String, String> out = new HashMap<>();
        itemIds.forEach(i -> {
            if (categories.containsKey(i)) {
                out.put(i, categories.get(i));
            }
        });
        return out;
    }

    @Override
    public InterestScorer scorer() {
        return scorer;
    }

    @Override
    public boolean record(Event event) {
        events.add(event);
        return true;
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
