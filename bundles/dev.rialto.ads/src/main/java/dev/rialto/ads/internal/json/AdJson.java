package dev.rialto.ads.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rialto.ads.internal.rules.JsonRules;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdStatus;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.ads.Tier;
import dev.rialto.api.rules.Rule;
import dev.rialto.api.rules.RuleException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;

/**
 * Ad entities to and from JSON, the format of REST bodies and {@code deploy/*.ads.json} files. Every error is a
 * {@link FieldException} naming the field's path.
 */
public final class AdJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final int MAX_BODY_CHARS = 2_000_000;

    private AdJson() {
    }

    /** Parses text to a tree. @throws FieldException on bad JSON (field {@code body}) */
    public static JsonNode read(String text) {
        if (text == null || text.isBlank()) {
            throw new FieldException("body", "must be a JSON object");
        }
        if (text.length() > MAX_BODY_CHARS) {
            throw new FieldException("body", "must be at most " + MAX_BODY_CHARS + " characters");
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FieldException("body", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new FieldException(path.isEmpty() ? "body" : path, "must be a JSON object");
        }
    }

    private static <T> T build(String path, java.util.function.Supplier<T> constructor, Function<String, String> map) {
        try {
            return constructor.get();
        } catch (FieldException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            String field = map.apply(Fields.fieldOf(e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException(e.getMessage()), "id"));
            String message = e.getMessage() == null ? "is invalid" : e.getMessage();
            throw new FieldException(Fields.join(path, field), message);
        }
    }

    private static <E> E enumValue(JsonNode node, String name, String path, Function<String, E> parse, E absent) {
        String text = Fields.text(node, name, path, false);
        if (text == null) {
            return absent;
        }
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new FieldException(Fields.join(path, name), e.getMessage());
        }
    }

    // --- advertisers

    public static Advertiser advertiser(JsonNode node, String path) {
        object(node, path);
        Fields.only(node, path, "id", "name", "status");
        String id = Fields.text(node, "id", path, true);
        String name = Fields.text(node, "name", path, true);
        AdStatus status = enumValue(node, "status", path, AdStatus::parse, AdStatus.ACTIVE);
        return build(path, () -> new Advertiser(id, name, status), f -> f);
    }

    public static ObjectNode tree(Advertiser a) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("id", a.id());
        out.put("name", a.name());
        out.put("status", a.status().wireName());
        return out;
    }

    // --- campaigns

    public static AdCampaign campaign(JsonNode node, String path) {
        object(node, path);
        Fields.only(node, path, "id", "advertiser", "name", "status", "start", "end", "totalBudget", "dailyBudget",
                "bidType", "bid", "tier", "targeting", "caps", "competitiveLabels", "pacing");
        String id = Fields.text(node, "id", path, true);
        String advertiser = Fields.text(node, "advertiser", path, true);
        String name = Fields.text(node, "name", path, true);
        AdStatus status = enumValue(node, "status", path, AdStatus::parse, AdStatus.ACTIVE);
        Instant start = Fields.instant(node, "start", path, true);
        Instant end = Fields.instant(node, "end", path, false);
        BigDecimal total = Fields.money(node, "totalBudget", path, false);
        BigDecimal daily = Fields.money(node, "dailyBudget", path, false);
        BidType bidType = enumValue(node, "bidType", path, BidType::parse, null);
        if (bidType == null) {
            throw new FieldException(Fields.join(path, "bidType"), "is required: cpm, cpc or cpa");
        }
        BigDecimal bid = Fields.money(node, "bid", path, true);
        Tier tier = enumValue(node, "tier", path, Tier::parse, Tier.AUCTION);
        Rule targeting = null;
        JsonNode rule = node.get("targeting");
        if (rule != null && !rule.isNull()) {
            try {
                targeting = JsonRules.parse(rule, "$");
            } catch (RuleException e) {
                String at = e.path().equals("$") ? "" : e.path().substring(1);
                throw new FieldException(Fields.join(path, "targeting") + at,
                        e.getMessage().substring(e.path().length() + 2));
            }
        }
        var caps = CapsJson.parse(node.get("caps"), Fields.join(path, "caps"));
        List<String> labels = Fields.strings(node, "competitiveLabels", path);
        PacingMode pacing = enumValue(node, "pacing", path, PacingMode::parse, PacingMode.EVEN);
        Rule target = targeting;
        return build(path, () -> new AdCampaign(id, advertiser, name, status, start, end, total, daily, bidType, bid,
                tier, target, caps, new HashSet<>(labels), pacing), f -> f);
    }

    public static ObjectNode tree(AdCampaign c) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("id", c.id());
        out.put("advertiser", c.advertiserId());
        out.put("name", c.name());
        out.put("status", c.status().wireName());
        out.put("start", c.start().toString());
        out.put("end", c.end() == null ? null : c.end().toString());
        out.put("totalBudget", c.totalBudget());
        out.put("dailyBudget", c.dailyBudget());
        out.put("bidType", c.bidType().wireName());
        out.put("bid", c.bid());
        out.put("tier", c.tier().wireName());
        out.set("targeting", c.targeting() == null ? null : JsonRules.tree(c.targeting()));
        out.set("caps", CapsJson.tree(c.caps()));
        ArrayNode labels = out.putArray("competitiveLabels");
        c.competitiveLabels().stream().sorted().forEach(labels::add);
        out.put("pacing", c.pacing().wireName());
        return out;
    }

    // --- creatives

    public static Creative creative(JsonNode node, String path) {
        object(node, path);
        Fields.only(node, path, "id", "campaign", "format", "size", "headline", "body", "imageUrl", "landingUrl",
                "items", "status");
        String id = Fields.text(node, "id", path, true);
        String campaign = Fields.text(node, "campaign", path, true);
        String format = Fields.text(node, "format", path, true);
        String size = Fields.text(node, "size", path, false);
        String headline = Fields.text(node, "headline", path, true);
        String body = Fields.text(node, "body", path, false);
        String image = Fields.text(node, "imageUrl", path, false);
        String landing = Fields.text(node, "landingUrl", path, true);
        List<String> items = Fields.strings(node, "items", path);
        AdStatus status = enumValue(node, "status", path, AdStatus::parse, AdStatus.ACTIVE);
        return build(path, () -> new Creative(id, campaign, format, size, headline, body, image, landing, items,
                status), f -> f);
    }

    public static ObjectNode tree(Creative c) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("id", c.id());
        out.put("campaign", c.campaignId());
        out.put("format", c.format());
        out.put("size", c.size());
        out.put("headline", c.headline());
        out.put("body", c.body());
        out.put("imageUrl", c.imageUrl());
        out.put("landingUrl", c.landingUrl());
        ArrayNode items = out.putArray("items");
        c.itemIds().forEach(items::add);
        out.put("status", c.status().wireName());
        return out;
    }

    // --- slots

    public static Slot slot(JsonNode node, String path) {
        object(node, path);
        Fields.only(node, path, "id", "name", "format", "size", "reserveCpm", "page", "maxAdsPerPage");
        String id = Fields.text(node, "id", path, true);
        String name = Fields.text(node, "name", path, false);
        String format = Fields.text(node, "format", path, true);
        String size = Fields.text(node, "size", path, false);
        BigDecimal reserve = Fields.money(node, "reserveCpm", path, false);
        String page = Fields.text(node, "page", path, false);
        Integer max = Fields.optionalInteger(node, "maxAdsPerPage", path, 1, 100);
        return build(path, () -> new Slot(id, name, format, size, reserve, page, max == null ? 1 : max),
                f -> f.equals("reserve") ? "reserveCpm" : f);
    }

    public static ObjectNode tree(Slot s) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("id", s.id());
        out.put("name", s.name());
        out.put("format", s.format());
        out.put("size", s.size());
        out.put("reserveCpm", s.reserveCpm());
        out.put("page", s.page());
        out.put("maxAdsPerPage", s.maxAdsPerPage());
        return out;
    }
}
