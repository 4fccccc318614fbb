package dev.rialto.campaigns.internal;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.Purpose;
import dev.rialto.api.campaigns.Step;
import dev.rialto.api.campaigns.StepType;
import dev.rialto.api.campaigns.Variant;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.retrieval.ItemFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/** Runs the recommend, decide-ad and generate steps through the services that do them. */
final class StepComposer implements Composer {

    /** Writes copy for a recipient (the content capability). */
    interface Generator {
        /** @return the copy, or null when nothing compliant could be written */
        Generated generate(String kind, String provider, String locale, String tone, Profile profile,
                List<String> items, String channel);
    }

    /** Copy for one recipient, and what the generator reports about it (provider, guardrails). */
    record Generated(String subject, String body, Map<String, String> attributes) {
    }

    /** Chooses a creative for a slot (the ads capability); null for no fill. */
    interface AdDecider {
        String decide(String slot, Profile profile);
    }

    private final Supplier<Recommender> recommender;
    private final Supplier<Generator> generator;
    private final Supplier<AdDecider> ads;
    private final Function<String, Purpose> purposes;

    StepComposer(Supplier<Recommender> recommender, Supplier<Generator> generator, Supplier<AdDecider> ads,
            Function<String, Purpose> purposes) {
        this.recommender = recommender;
        this.generator = generator;
        this.ads = ads;
        this.purposes = purposes;
    }

    @Override
    public Composed compose(CampaignDefinition d, Variant v, Profile p, String runId, String deliveryId,
            Instant now) {
        return composeAll(d, List.of(new Recipient(v, p, deliveryId)), runId, now).get(0);
    }

    /**
     * The recommend step runs for the whole chunk in one {@link Recommender#recommendAll} call (the recommender
     * shares what does not depend on the user, and batches its reads); the other steps run per recipient.
     */
    @Override
    public List<Composed> composeAll(CampaignDefinition d, List<Recipient> recipients, String runId, Instant now) {
        List<List<List<String>>> recommended = new ArrayList<>(); // per recommend step, per recipient
        for (Step step : d.steps()) {
            if (step.type() == StepType.RECOMMEND && !recipients.isEmpty()) {
                recommended.add(recommend(d, step, recipients));
            }
        }
        List<Composed> out = new ArrayList<>(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            out.add(finish(d, recipients.get(i), recommended, i, runId, now));
        }
        return out;
    }

    private List<List<String>> recommend(CampaignDefinition d, Step step, List<Recipient> recipients) {
        Recommender r = need(recommender.get(), "recommend", "rialto-retrieval");
        List<RecommendationRequest> requests = new ArrayList<>(recipients.size());
        for (Recipient x : recipients) {
            Variant v = x.variant();
            int n = Integer.parseInt(d.param(v, step, "n", "4"));
            boolean excludePurchased = Boolean.parseBoolean(d.param(v, step, "excludePurchased", "false"));
            ItemFilter filter = new ItemFilter(d.param(v, step, "category", null), Set.of(), true, excludePurchased);
            requests.add(new RecommendationRequest(x.profile().id(), n, filter,
                    sources(d.param(v, step, "sources", null)), candidates(d.param(v, step, "candidates", null))));
        }
        List<Recommendation> answers = r.recommendAll(requests);
        List<List<String>> items = new ArrayList<>(answers.size());
        for (Recommendation a : answers) {
            List<String> ids = new ArrayList<>(a.items().size());
            for (RecommendedItem item : a.items()) {
                ids.add(item.itemId());
            }
            items.add(ids);
        }
        return items;
    }

    private Composed finish(CampaignDefinition d, Recipient x, List<List<List<String>>> recommended, int index,
            String runId, Instant now) {
        Variant v = x.variant();
        Profile p = x.profile();
        List<String> items = List.of();
        String ad = null;
        String subject = null;
        String body = null;
        Map<String, String> attributes = new LinkedHashMap<>();
        int recommendStep = 0;
        for (Step step : d.steps()) {
            switch (step.type()) {
                case RECOMMEND -> {
                    items = recommended.get(recommendStep++).get(index);
                    if (items.isEmpty()) {
                        return Composed.skip("no-content");
                    }
                }
                case DECIDE_AD -> {
                    AdDecider a = need(ads.get(), "decide_ad", "rialto-ads");
                    ad = a.decide(d.param(v, step, "slot", null), p);
                    attributes.put("ad.fill", ad == null ? "none" : "filled");
                }
                case GENERATE -> {
                    Generator g = need(generator.get(), "generate", "rialto-content");
                    Generated copy = g.generate(d.param(v, step, "kind", null), d.param(v, step, "provider", null),
                            d.param(v, step, "locale", p.attributes().getOrDefault("locale", "en")),
                            d.param(v, step, "tone", null), p, items, d.channel());
                    if (copy == null || (blank(copy.body()) && blank(copy.subject()))) {
                        return Composed.skip("no-content");
                    }
                    subject = blank(copy.subject()) ? subject : copy.subject();
                    body = blank(copy.body()) ? body : copy.body();
                    attributes.putAll(copy.attributes());
                }
                case DELIVER -> {
                    // the engine delivers
                }
            }
        }
        String address = null;
        if (purposes.apply(d.channel()) == Purpose.EMAIL) {
            address = p.attributes().get("email");
            if (address == null || address.isBlank()) {
                return Composed.skip("no-address");
            }
        }
        return new Composed(new Delivery(x.deliveryId(), d.id(), runId, v.name(), p.id(), address, subject, body,
                items, ad, attributes, now), null);
    }

    /**
     * The step's {@code candidates}, 0 (the recommender's configured quotas) unless set: by default a campaign
     * recommends what the shop's own pages would. A shallower gather is cheaper (the kNN sources' cost grows with
     * their k) but fusion weighs deep ranks too, so it changes the answer: measured in docs/benchmarks.md.
     */
    static int candidates(String value) {
        return value == null ? 0 : Integer.parseInt(value.strip());
    }

    /** The step's {@code sources}: names separated by commas; none for every source. */
    static Set<String> sources(String list) {
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        return names;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static <T> T need(T service, String step, String feature) {
        if (service == null) {
            throw new IllegalStateException("the " + step + " step needs feature " + feature + ", which is not running");
        }
        return service;
    }
}
