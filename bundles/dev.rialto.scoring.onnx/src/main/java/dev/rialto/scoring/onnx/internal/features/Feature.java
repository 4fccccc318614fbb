package dev.rialto.scoring.onnx.internal.features;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The engineered features of a (user, item) pair. Names are the contract with model cards: never rename one;
 * add new ones instead. Every value is finite and roughly in [0, 1] (user_item_affinity is a small log count).
 */
public enum Feature {
    /** Weighted share of the user's item events whose item is in the candidate's top category. */
    USER_CATEGORY_AFFINITY("user_category_affinity"),
    /** The same on the full category path. */
    USER_SUBCATEGORY_AFFINITY("user_subcategory_affinity"),
    /** log1p of the weighted count of the user's events on this item ("buy again"). */
    USER_ITEM_AFFINITY("user_item_affinity"),
    /** log1p of the item's weighted events divided by log1p of the catalogue's maximum. */
    ITEM_POPULARITY("item_popularity"),
    /** The same over the 7 days before the snapshot's asOf. */
    ITEM_RECENT_POPULARITY("item_recent_popularity"),
    /** Share of all weighted events that fall in the item's top category. */
    CATEGORY_POPULARITY("category_popularity"),
    /** log1p(number of the user's events) / 10, capped at 1. */
    USER_ACTIVITY("user_activity"),
    /** log1p(price) / 10, 0 when unknown. */
    ITEM_PRICE_LOG("item_price_log"),
    /**
     * 1 / (1 + |ln price - mean ln price of the user's distinct priced items|), 0.5 when unknown; the mean sums the
     * items' ln prices rounded to 2^-32, exactly, so it depends on the set of items and not their order.
     */
    USER_PRICE_FIT("user_price_fit"),
    /** Category affinity restricted to the user's 10 most recent item events. */
    USER_RECENCY_CATEGORY("user_recency_category"),
    /** 1 when the user bought this item before, else 0. */
    USER_ITEM_PURCHASED("user_item_purchased"),
    /** 1 / (1 + days since the user's last event on this item), 0 when none. */
    USER_ITEM_RECENCY("user_item_recency"),
    /** 1 when the item is known and available, else 0. */
    ITEM_AVAILABLE("item_available"),
    /** 1 when the item is in the snapshot's catalogue, else 0. */
    ITEM_KNOWN("item_known"),
    /**
     * The dot product of the user's and the item's behaviour (iALS) vectors: the user's trained vector, or one
     * folded in from the history when the user is not in the published set; 0 without vectors for both.
     */
    USER_ITEM_BEHAVIOUR("user_item_behaviour"),
    /**
     * Share of the item's buyers who bought it on at least two days (UTC), buyers + 1 in the denominator so an
     * item with few buyers does not look certain: how much of a repeat item it is.
     */
    ITEM_REPEAT_RATE("item_repeat_rate"),
    /** item_repeat_rate when the user bought the item before, else 0 (buy-again weighted by how repeatable). */
    USER_ITEM_REPEAT("user_item_repeat"),
    /** log1p(number of days on which the user bought the item) / log1p(30), capped at 1. */
    USER_ITEM_PURCHASE_DAYS("user_item_purchase_days"),
    /**
     * log1p of the user's weighted events on this item, each halved every 30 days before the user's newest event
     * (or the snapshot's asOf when later): buy-again that forgets slowly.
     */
    USER_ITEM_DECAYED_AFFINITY("user_item_decayed_affinity"),
    // Ad click features: the candidate id is a creative id. Impression and ad_click events carry the creative and
    // campaign in their context. Rates are smoothed (Beta prior, AdStats.PRIOR_STRENGTH impressions) and enter as
    // logit / 10, so a logistic model can add them up.
    /** The creative's smoothed CTR (shrunk towards its campaign's), logit / 10. */
    AD_CREATIVE_CTR("ad_creative_ctr"),
    /** The creative's campaign's smoothed CTR (shrunk towards the global ad CTR), logit / 10. */
    AD_CAMPAIGN_CTR("ad_campaign_ctr"),
    /** The user's smoothed ad CTR over the history (shrunk towards the global ad CTR), logit / 10. */
    AD_USER_CTR("ad_user_ctr"),
    /** log1p(the user's ad impressions in the history) / 10. */
    AD_USER_IMPRESSIONS("ad_user_impressions"),
    /** log1p(the user's impressions of this creative in the history) / 10: fatigue. */
    AD_USER_CREATIVE_SEEN("ad_user_creative_seen"),
    /** log1p(the creative's impressions) / 20: how much its CTR estimate is worth. */
    AD_CREATIVE_IMPRESSIONS("ad_creative_impressions");

    /** The ad features, for the ad click model. */
    public static final List<Feature> AD = List.of(AD_CREATIVE_CTR, AD_CAMPAIGN_CTR, AD_USER_CTR,
            AD_USER_IMPRESSIONS, AD_USER_CREATIVE_SEEN, AD_CREATIVE_IMPRESSIONS);

    private static final Map<String, Feature> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Feature::featureName, Function.identity()));

    /** Every name, in declaration order. */
    public static final List<String> NAMES = Arrays.stream(values()).map(Feature::featureName).toList();

    /** The (user, item) features: every name but the ad ones. */
    public static final List<String> ITEM_NAMES = Arrays.stream(values()).filter(f -> !AD.contains(f))
            .map(Feature::featureName).toList();

    private final String featureName;

    Feature(String featureName) {
        this.featureName = featureName;
    }

    public String featureName() {
        return featureName;
    }

    /** The feature with this name, or null. */
    public static Feature byName(String name) {
        return name == null ? null : BY_NAME.get(name);
    }
}
