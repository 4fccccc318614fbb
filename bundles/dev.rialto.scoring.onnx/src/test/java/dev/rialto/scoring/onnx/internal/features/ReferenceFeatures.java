package dev.rialto.scoring.onnx.internal.features;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The extractor's original per-row implementation (every column computed per cell from the snapshot's maps), kept
 * as the reference that the precomputed-column path must reproduce bit for bit.
 */
final class ReferenceFeatures {
    private static final double SECONDS_PER_DAY = 86_400d;

    private ReferenceFeatures() {
    }

    private static double weight(EventType type) {
        return EngineeredFeatureExtractor.weight(type);
    }

    static void extract(Snapshot s, List<Event> history, List<String> itemIds, List<String> features,
            FloatBuffer out) {
        Feature[] columns = features.stream().map(Feature::byName).toArray(Feature[]::new);
        UserProfile user = new UserProfile(s, history == null ? List.of() : history);
        for (String itemId : itemIds) {
            Snapshot.ItemStats item = itemId == null ? null : s.items.get(itemId);
            for (Feature column : columns) {
                out.put((float) value(column, s, user, itemId, item));
            }
        }
    }

    private static double value(Feature feature, Snapshot s, UserProfile user, String itemId, Snapshot.ItemStats item) {
        return switch (feature) {
            case USER_CATEGORY_AFFINITY -> item == null ? 0 : share(user.topWeight, item.topCategory(), user.totalWeight);
            case USER_SUBCATEGORY_AFFINITY -> item == null ? 0 : share(user.pathWeight, item.category(), user.totalWeight);
            case USER_ITEM_AFFINITY -> Math.log1p(user.itemWeight.getOrDefault(itemId, 0d));
            case ITEM_POPULARITY -> item == null || s.logMaxItemWeight == 0 ? 0
                    : Math.log1p(item.weight()) / s.logMaxItemWeight;
            case ITEM_RECENT_POPULARITY -> item == null || s.logMaxRecentWeight == 0 ? 0
                    : Math.log1p(item.recentWeight()) / s.logMaxRecentWeight;
            case CATEGORY_POPULARITY -> item == null ? 0 : share(s.categoryWeight, item.topCategory(), s.totalWeight);
            case USER_ACTIVITY -> Math.min(1d, Math.log1p(user.eventCount) / 10d);
            case ITEM_PRICE_LOG -> item == null || Double.isNaN(item.price()) ? 0 : Math.log1p(item.price()) / 10d;
            case USER_PRICE_FIT -> item == null || Double.isNaN(item.lnPrice()) || Double.isNaN(user.meanLnPrice) ? 0.5
                    : 1d / (1d + Math.abs(item.lnPrice() - user.meanLnPrice));
            case USER_RECENCY_CATEGORY -> item == null ? 0
                    : share(user.recentTopWeight, item.topCategory(), user.recentTotalWeight);
            case USER_ITEM_PURCHASED -> user.purchased.contains(itemId) ? 1 : 0;
            case USER_ITEM_RECENCY -> {
                Instant last = itemId == null ? null : user.lastSeen.get(itemId);
                if (last == null) {
                    yield 0;
                }
                double days = Math.max(0, Duration.between(last, user.reference).getSeconds()) / SECONDS_PER_DAY;
                yield 1d / (1d + days);
            }
            case ITEM_AVAILABLE -> item != null && item.available() ? 1 : 0;
            case ITEM_KNOWN -> item != null ? 1 : 0;
            case USER_ITEM_BEHAVIOUR -> behaviour(s, user, itemId);
            case ITEM_REPEAT_RATE -> item == null ? 0 : (float) item.repeatRate();
            case USER_ITEM_REPEAT -> item == null || !user.purchased.contains(itemId) ? 0 : (float) item.repeatRate();
            case USER_ITEM_DECAYED_AFFINITY -> (float) Math.log1p(user.decayed.getOrDefault(itemId, 0d)
                    * Math.pow(0.5, Math.max(0, user.reference.getEpochSecond() - s.asOf().getEpochSecond())
                            / EngineeredFeatureExtractor.DECAY_HALF_LIFE_SECONDS));
            case USER_ITEM_PURCHASE_DAYS -> {
                Set<Long> days = user.purchaseDays.get(itemId);
                yield days == null ? 0 : (float) Math.min(1d, Math.log1p(days.size()) / Math.log1p(30));
            }
            // The ad columns, from the same counts, written out once more.
            case AD_CREATIVE_CTR -> adLogit(creativeCtr(s.ads, itemId));
            case AD_CAMPAIGN_CTR -> adLogit(campaignCtr(s.ads, itemId));
            case AD_CREATIVE_IMPRESSIONS -> Math.log1p(s.ads.creatives.getOrDefault(itemId, new long[2])[0]) / 20d;
            case AD_USER_CTR -> adLogit((Math.min(user.adClicks, user.adImpressions) + globalCtr(s.ads) * 100)
                    / (user.adImpressions + 100));
            case AD_USER_IMPRESSIONS -> Math.log1p(user.adImpressions) / 10d;
            case AD_USER_CREATIVE_SEEN -> Math.log1p(user.seen.getOrDefault(itemId, 0)) / 10d;
        };
    }

    private static double rate(long[] counts, double prior) {
        return counts == null ? prior : (Math.min(counts[1], counts[0]) + prior * 100) / (counts[0] + 100);
    }

    private static double globalCtr(AdStats a) {
        return rate(new long[] {a.impressions, a.clicks}, 0.01);
    }

    private static double campaignCtr(AdStats a, String creative) {
        String campaign = a.campaignOf.get(creative);
        return rate(campaign == null ? null : a.campaigns.get(campaign), globalCtr(a));
    }

    private static double creativeCtr(AdStats a, String creative) {
        return rate(a.creatives.get(creative), campaignCtr(a, creative));
    }

    private static float adLogit(double p) {
        double q = Math.max(1e-6, Math.min(1 - 1e-6, p));
        return (float) (Math.log(q / (1 - q)) / 10);
    }

    /** The dot product of the user's (trained, else folded-in) and the item's vector, summed in float products. */
    private static double behaviour(Snapshot s, UserProfile user, String itemId) {
        int at = s.indexOf(itemId);
        if (s.behaviour == null || at < 0 || s.behaviour.items[at] == null) {
            return 0;
        }
        float[] u = s.behaviour.trained(user.userId);
        if (u == null) {
            Map<String, Double> weights = new HashMap<>();
            user.itemWeight.forEach((id, w) -> {
                if (s.indexOf(id) >= 0) {
                    weights.put(id, w);
                }
            });
            u = weights.isEmpty() ? null : s.behaviour.foldIn(weights);
        }
        if (u == null) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < u.length; i++) {
            sum += u[i] * s.behaviour.items[at][i];
        }
        return (float) sum;
    }

    /** part[key] / total; 0 for an empty key (no category is not a shared category) or an empty total. */
    private static double share(Map<String, Double> part, String key, double total) {
        if (total <= 0 || key == null || key.isEmpty()) {
            return 0;
        }
        return part.getOrDefault(key, 0d) / total;
    }

    /** Per-request aggregates of the user's history, computed once per extract call. */
    private static final class UserProfile {
        final int eventCount;
        final Map<String, Double> itemWeight = new HashMap<>();
        final Map<String, Instant> lastSeen = new HashMap<>();
        final Set<String> purchased = new HashSet<>();
        final Map<String, Set<Long>> purchaseDays = new HashMap<>();
        final Map<String, Double> decayed = new HashMap<>();
        final Map<String, Double> topWeight = new HashMap<>();
        final Map<String, Double> pathWeight = new HashMap<>();
        final Map<String, Double> recentTopWeight = new HashMap<>();
        double totalWeight;
        double recentTotalWeight;
        final double meanLnPrice;
        final Instant reference;
        long adImpressions;
        long adClicks;
        final Map<String, Integer> seen = new HashMap<>();
        final String userId;

        UserProfile(Snapshot s, List<Event> history) {
            eventCount = history.size();
            userId = history.isEmpty() ? null : history.get(0).userId();
            // Newest first, ties by id: the order callers pass must not change the features.
            List<Event> events = new ArrayList<>(history);
            events.sort(Comparator.comparing(Event::timestamp).reversed().thenComparing(Event::id));
            Instant newest = s.asOf();
            int recentSeen = 0;
            Map<String, Double> distinctLnPrice = new HashMap<>();
            for (Event e : events) {
                if (e.timestamp().isAfter(newest)) {
                    newest = e.timestamp();
                }
                if (e.type() == EventType.IMPRESSION && e.context().creative() != null) {
                    adImpressions++;
                    seen.merge(e.context().creative(), 1, Integer::sum);
                } else if (e.type() == EventType.AD_CLICK && e.context().creative() != null) {
                    adClicks++;
                }
                String itemId = e.itemId();
                if (itemId == null) {
                    continue;
                }
                double w = weight(e.type());
                itemWeight.merge(itemId, w, Double::sum);
                decayed.merge(itemId, w * Math.pow(0.5, (s.asOf().getEpochSecond() - e.timestamp().getEpochSecond())
                        / EngineeredFeatureExtractor.DECAY_HALF_LIFE_SECONDS), Double::sum);
                lastSeen.merge(itemId, e.timestamp(), (a, b) -> a.isAfter(b) ? a : b);
                if (e.type() == EventType.PURCHASE) {
                    purchased.add(itemId);
                    purchaseDays.computeIfAbsent(itemId, k -> new HashSet<>())
                            .add(Math.floorDiv(e.timestamp().getEpochSecond(), 86_400L));
                }
                totalWeight += w;
                Snapshot.ItemStats item = s.items.get(itemId);
                boolean recent = recentSeen++ < EngineeredFeatureExtractor.RECENT_EVENTS;
                if (recent) {
                    recentTotalWeight += w;
                }
                if (item == null) {
                    continue;
                }
                if (!item.topCategory().isEmpty()) {
                    topWeight.merge(item.topCategory(), w, Double::sum);
                    pathWeight.merge(item.category(), w, Double::sum);
                    if (recent) {
                        recentTopWeight.merge(item.topCategory(), w, Double::sum);
                    }
                }
                if (!Double.isNaN(item.lnPrice())) {
                    distinctLnPrice.put(itemId, item.lnPrice());
                }
            }
            // Each distinct item's log price rounded to 2^-32, summed exactly (the order does not matter).
            long sum = 0;
            for (double ln : distinctLnPrice.values()) {
                sum += Math.round(ln * 0x1p32);
            }
            meanLnPrice = distinctLnPrice.isEmpty() ? Double.NaN : sum / 0x1p32 / distinctLnPrice.size();
            reference = newest;
        }
    }

}
