package dev.rialto.ads.internal.engine;

import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.ads.PlacementContext;
import dev.rialto.api.events.Event;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.rules.ContextField;
import dev.rialto.api.rules.RuleFacts;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One decision's context. The facts are lazy: the profile, its consent and the user's history are read only when a
 * rule needs them, and at most once per decision.
 */
final class DecisionContext implements PlacementContext, RuleFacts {
    /** The profile attribute holding segment names, comma-separated, until segments have their own store. */
    static final String SEGMENTS_ATTRIBUTE = "segments";

    private final AdRequest request;
    private final Instant now;
    private final LocalDateTime localTime;
    private final PageViews.Page page;
    private final Services services;
    private final boolean consentUnknownAllows;
    private final int historyLimit;
    private final Map<ContextField, String> context;
    private final RandomGenerator random;

    private Profile profile;
    private boolean profileLoaded;
    private List<RecentAction> recent;
    private Set<String> segments;

    DecisionContext(AdRequest request, Instant now, LocalDateTime localTime, PageViews.Page page, Services services,
            boolean consentUnknownAllows, int historyLimit, Map<ContextField, String> context,
            RandomGenerator random) {
        this.random = random;
        this.request = request;
        this.now = now;
        this.localTime = localTime;
        this.page = page;
        this.services = services;
        this.consentUnknownAllows = consentUnknownAllows;
        this.historyLimit = historyLimit;
        this.context = context;
    }

    private Profile profile() {
        if (!profileLoaded) {
            profileLoaded = true;
            profile = services.profile(request.userId());
        }
        return profile;
    }

    @Override
    public AdRequest request() {
        return request;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public RuleFacts facts() {
        return this;
    }

    // The page view does not change during one decision: copied once, not per candidate.
    private Set<String> campaignsOnPage;
    private Set<String> labelsOnPage;

    @Override
    public Set<String> campaignsOnPage() {
        if (campaignsOnPage == null) {
            campaignsOnPage = page.campaigns();
        }
        return campaignsOnPage;
    }

    @Override
    public Set<String> labelsOnPage() {
        if (labelsOnPage == null) {
            labelsOnPage = page.labels();
        }
        return labelsOnPage;
    }

    RandomGenerator random() {
        return random;
    }

    private Map<String, List<FrequencyCaps.Seen>> impressions;

    /** The user's recent impressions by campaign, read once per decision. */
    List<FrequencyCaps.Seen> impressionsOf(String campaign, FrequencyCaps caps, java.time.Duration keep) {
        if (impressions == null) {
            impressions = caps.byCampaign(request.userId(), now, keep);
        }
        return impressions.getOrDefault(campaign, List.of());
    }

    PageViews.Page page() {
        return page;
    }

    @Override
    public boolean personalAllowed() {
        Profile p = profile();
        return Consent.allows(p == null ? null : p.consent().ads(), consentUnknownAllows);
    }

    @Override
    public Map<String, String> attributes() {
        Profile p = profile();
        return p == null ? Map.of() : p.attributes();
    }

    @Override
    public Set<String> segments() {
        if (segments == null) {
            String text = attributes().get(SEGMENTS_ATTRIBUTE);
            segments = text == null ? Set.of() : new HashSet<>(Arrays.stream(text.split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).toList());
        }
        return segments;
    }

    @Override
    public String context(ContextField field) {
        return context.get(field);
    }

    @Override
    public LocalDateTime localTime() {
        return localTime;
    }

    @Override
    public List<RecentAction> recent() {
        if (recent == null) {
            List<Event> events = historyLimit == 0 ? List.of() : services.recentEvents(request.userId(), historyLimit);
            Set<String> items = new HashSet<>();
            events.forEach(e -> {
                if (e.itemId() != null) {
                    items.add(e.itemId());
                }
            });
            Map<String, String> categories = items.isEmpty() ? Map.of() : services.categories(items);
            List<RecentAction> actions = new ArrayList<>(events.size());
            for (Event e : events) {
                actions.add(new RecentAction(e.type(), e.itemId(),
                        e.itemId() == null ? null : categories.get(e.itemId()), e.timestamp()));
            }
            recent = actions;
        }
        return recent;
    }
}
