package dev.rialto.campaigns.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.FrequencyRule;
import dev.rialto.api.campaigns.QuietHours;
import dev.rialto.api.campaigns.Step;
import dev.rialto.api.campaigns.StepType;
import dev.rialto.api.campaigns.Variant;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The JSON form of a campaign definition (REST bodies, {@code deploy/*.campaign.json}, the copy kept with each
 * run). Every error names the field, as a path: {@code steps[1].kind must not be blank}.
 */
public final class CampaignJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("id", "name", "audience", "schedule", "steps", "variants",
            "holdoutPercent", "frequencyRules", "quietHours", "conversionWindow", "enabled");

    private CampaignJson() {
    }

    /** A bad definition: the message names the campaign (when known) and the field. */
    public static final class InvalidCampaignException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidCampaignException(String message) {
            super(message);
        }
    }

    public static CampaignDefinition parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidCampaignException("not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        return parse(root);
    }

    /**
     * A definition written as YAML ({@code deploy/*.campaign.yaml}, REST with a YAML content type): the same
     * fields as JSON. Only plain mappings, lists and scalars are read; YAML tags never build objects.
     */
    public static CampaignDefinition parseYaml(String yaml) {
        Object document;
        try {
            Load load = new Load(LoadSettings.builder().setLabel("campaign").setAllowDuplicateKeys(false)
                    .setCodePointLimit(1024 * 1024).build());
            document = load.loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new InvalidCampaignException("not valid YAML: " + e.getMessage().strip().replace('\n', ' '));
        }
        if (!(document instanceof Map)) {
            throw new InvalidCampaignException("a campaign must be a YAML mapping");
        }
        JsonNode root;
        try {
            root = MAPPER.valueToTree(document);
        } catch (IllegalArgumentException e) {
            throw new InvalidCampaignException("YAML values must be mappings, lists, strings, numbers or booleans: "
                    + e.getMessage());
        }
        return parse(root);
    }

    public static CampaignDefinition parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidCampaignException("a campaign must be a JSON object");
        }
        String id = root.path("id").isTextual() ? root.path("id").asText() : null;
        String prefix = id == null ? "campaign: " : "campaign " + id + ": ";
        try {
            for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    throw new IllegalArgumentException(name + " is not a campaign field (expected one of "
                            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
                }
            }
            String audience = null;
            JsonNode a = root.get("audience");
            if (a != null && !a.isNull()) {
                if (a.isTextual()) {
                    audience = a.asText();
                } else if (a.isObject()) {
                    audience = MAPPER.writeValueAsString(a);
                } else {
                    throw new IllegalArgumentException("audience must be a rule object or null");
                }
            }
            List<Step> steps = new ArrayList<>();
            JsonNode s = array(root, "steps", true);
            for (int i = 0; i < s.size(); i++) {
                steps.add(step(s.get(i), "steps[" + i + "]"));
            }
            List<Variant> variants = new ArrayList<>();
            JsonNode v = array(root, "variants", false);
            for (int i = 0; v != null && i < v.size(); i++) {
                variants.add(variant(v.get(i), "variants[" + i + "]"));
            }
            List<FrequencyRule> rules = new ArrayList<>();
            JsonNode f = array(root, "frequencyRules", false);
            for (int i = 0; f != null && i < f.size(); i++) {
                rules.add(frequency(f.get(i), "frequencyRules[" + i + "]"));
            }
            return new CampaignDefinition(text(root, "id", true), text(root, "name", false), audience,
                    text(root, "schedule", false), steps, variants, integer(root, "holdoutPercent", 0),
                    rules, quietHours(root.get("quietHours")), duration(root, "conversionWindow"),
                    bool(root, "enabled", true));
        } catch (IllegalArgumentException | DateTimeException | JsonProcessingException e) {
            throw new InvalidCampaignException(prefix + e.getMessage());
        }
    }

    private static Step step(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(path + " must be an object");
        }
        StepType type;
        try {
            type = StepType.parse(text(node, "type", true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + "." + e.getMessage());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("type")) {
                continue;
            }
            JsonNode value = e.getValue();
            if (value.isArray() && e.getKey().equals("sources")) {
                List<String> names = new ArrayList<>();
                for (int i = 0; i < value.size(); i++) {
                    if (!value.get(i).isTextual() || value.get(i).asText().isBlank()) {
                        throw new IllegalArgumentException(path + ".sources[" + i + "] must be a source name");
                    }
                    names.add(value.get(i).asText().strip());
                }
                params.put("sources", String.join(",", names));
                continue;
            }
            if (!value.isValueNode() || value.isNull()) {
                throw new IllegalArgumentException(path + "." + e.getKey() + " must be a string, number or boolean");
            }
            params.put(e.getKey(), value.asText());
        }
        try {
            return new Step(type, params);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + "." + e.getMessage().replaceFirst("^params\\.", ""));
        }
    }

    private static Variant variant(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(path + " must be an object");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        JsonNode o = node.get("overrides");
        if (o != null && !o.isNull()) {
            if (!o.isObject()) {
                throw new IllegalArgumentException(path + ".overrides must be an object");
            }
            o.fields().forEachRemaining(e -> overrides.put(e.getKey(), e.getValue().asText()));
        }
        try {
            return new Variant(text(node, "name", true), integer(node, "percent", 0), overrides);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + "." + e.getMessage());
        }
    }

    private static FrequencyRule frequency(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(path + " must be an object");
        }
        try {
            Duration window = duration(node, "window");
            return new FrequencyRule(text(node, "channel", false) == null ? "*" : text(node, "channel", false),
                    integer(node, "max", 0), window);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + "." + e.getMessage());
        }
    }

    private static QuietHours quietHours(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("quietHours must be an object");
        }
        try {
            String zone = text(node, "zone", false);
            return new QuietHours(time(node, "start"), time(node, "end"), ZoneId.of(zone == null ? "UTC" : zone));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("quietHours.zone is not a time zone: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("quietHours." + e.getMessage());
        }
    }

    private static LocalTime time(JsonNode node, String field) {
        String value = text(node, field, true);
        try {
            return LocalTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be a time like 21:00, was '" + value + "'");
        }
    }

    private static JsonNode array(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + " must not be empty");
            }
            return null;
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(field + " must be an array");
        }
        return value;
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            if (required) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static int integer(JsonNode node, String field, int fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be a whole number, was " + value);
        }
        return value.intValue();
    }

    private static boolean bool(JsonNode node, String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false, was " + value);
        }
        return value.booleanValue();
    }

    private static Duration duration(JsonNode node, String field) {
        String value = text(node, field, false);
        if (value == null) {
            return null;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 duration like P3D or PT12H, was '"
                    + value + "'");
        }
    }

    public static String write(CampaignDefinition d) {
        return toTree(d).toString();
    }

    public static ObjectNode toTree(CampaignDefinition d) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", d.id());
        root.put("name", d.name());
        if (d.audience() == null) {
            root.putNull("audience");
        } else {
            try {
                root.set("audience", MAPPER.readTree(d.audience()));
            } catch (JsonProcessingException e) {
                root.put("audience", d.audience());
            }
        }
        if (d.schedule() != null) {
            root.put("schedule", d.schedule());
        }
        ArrayNode steps = root.putArray("steps");
        for (Step s : d.steps()) {
            ObjectNode n = steps.addObject();
            n.put("type", s.type().wireName());
            s.params().forEach(n::put);
        }
        ArrayNode variants = root.putArray("variants");
        for (Variant v : d.variants()) {
            ObjectNode n = variants.addObject();
            n.put("name", v.name());
            n.put("percent", v.percent());
            ObjectNode o = n.putObject("overrides");
            v.overrides().forEach(o::put);
        }
        root.put("holdoutPercent", d.holdoutPercent());
        ArrayNode rules = root.putArray("frequencyRules");
        for (FrequencyRule r : d.frequencyRules()) {
            rules.addObject().put("channel", r.channel()).put("max", r.max()).put("window", r.window().toString());
        }
        if (d.quietHours() != null) {
            root.putObject("quietHours").put("start", d.quietHours().start().toString())
                    .put("end", d.quietHours().end().toString()).put("zone", d.quietHours().zone().getId());
        }
        root.put("conversionWindow", d.conversionWindow().toString());
        root.put("enabled", d.enabled());
        return root;
    }
}
