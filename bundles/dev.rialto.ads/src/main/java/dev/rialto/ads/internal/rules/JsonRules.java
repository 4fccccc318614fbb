package dev.rialto.ads.internal.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rialto.api.events.EventType;
import dev.rialto.api.rules.ContextField;
import dev.rialto.api.rules.Operator;
import dev.rialto.api.rules.Rule;
import dev.rialto.api.rules.RuleException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import java.util.Set;

/**
 * Rules to and from JSON. Strict: unknown fields, wrong types and out-of-range values are refused with the JSON
 * path of the field ({@code $.all[1].op}). Size limits keep a hostile rule from costing much to evaluate.
 */
public final class JsonRules {
    static final int MAX_DEPTH = 32;
    static final int MAX_NODES = 1_000;
    static final int MAX_VALUES = 1_000;
    static final int MAX_TEXT = 1_024;
    static final int MAX_JSON_CHARS = 1_000_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> KINDS = Set.of("all", "any", "not", "always", "attribute", "segment", "context",
            "behaviour");

    private int nodes;

    private JsonRules() {
    }

    /** Parses JSON text. @throws RuleException naming the path */
    public static Rule parse(String json) {
        if (json == null || json.isBlank()) {
            throw new RuleException("$", "rule must not be empty");
        }
        if (json.length() > MAX_JSON_CHARS) {
            throw new RuleException("$", "rule must be at most " + MAX_JSON_CHARS + " characters");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new RuleException("$", "not valid JSON: " + e.getOriginalMessage());
        }
        return parse(tree, "$");
    }

    /** Parses a JSON tree; {@code path} names it in errors. @throws RuleException naming the path */
    public static Rule parse(JsonNode tree, String path) {
        return new JsonRules().node(tree, path, 0);
    }

    private Rule node(JsonNode node, String path, int depth) {
        if (node == null || !node.isObject()) {
            throw new RuleException(path, "must be an object with one of " + String.join(", ", sorted(KINDS)));
        }
        if (depth > MAX_DEPTH) {
            throw new RuleException(path, "rule nests deeper than " + MAX_DEPTH + " levels");
        }
        if (++nodes > MAX_NODES) {
            throw new RuleException(path, "rule has more than " + MAX_NODES + " conditions");
        }
        String kind = null;
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (KINDS.contains(name)) {
                if (kind != null) {
                    throw new RuleException(path, "has both '" + kind + "' and '" + name + "'; use one per object");
                }
                kind = name;
            }
        }
        if (kind == null) {
            throw new RuleException(path, "must have one of " + String.join(", ", sorted(KINDS)));
        }
        try {
            return switch (kind) {
                case "all" -> {
                    only(node, path, "all");
                    yield new Rule.All(children(node.get("all"), path + ".all", depth));
                }
                case "any" -> {
                    only(node, path, "any");
                    yield new Rule.AnyOf(children(node.get("any"), path + ".any", depth));
                }
                case "not" -> {
                    only(node, path, "not");
                    yield new Rule.Not(node(node.get("not"), path + ".not", depth + 1));
                }
                case "always" -> {
                    only(node, path, "always");
                    JsonNode value = node.get("always");
                    if (!value.isBoolean()) {
                        throw new RuleException(path + ".always", "must be true or false");
                    }
                    yield new Rule.Always(value.booleanValue());
                }
                case "segment" -> {
                    only(node, path, "segment");
                    yield new Rule.Segment(text(node.get("segment"), path + ".segment"));
                }
                case "attribute" -> {
                    only(node, path, "attribute", "op", "value", "values");
                    String name = text(node.get("attribute"), path + ".attribute");
                    List<String> values = values(node, path);
                    Operator op = op(node, path, values);
                    arity(op, values, path);
                    yield checked(path, () -> new Rule.Attribute(name, op, values));
                }
                case "context" -> {
                    only(node, path, "context", "op", "value", "values");
                    String fieldText = text(node.get("context"), path + ".context");
                    ContextField field;
                    try {
                        field = ContextField.parse(fieldText);
                    } catch (IllegalArgumentException e) {
                        throw new RuleException(path + ".context", e.getMessage());
                    }
                    List<String> values = values(node, path);
                    Operator op = op(node, path, values);
                    arity(op, values, path);
                    checkContextValues(field, op, values, node.has("value") ? path + ".value" : path + ".values");
                    yield checked(path, () -> new Rule.Context(field, op, values));
                }
                case "behaviour" -> {
                    only(node, path, "behaviour", "category", "item", "withinDays", "minCount");
                    EventType type;
                    try {
                        type = EventType.parse(text(node.get("behaviour"), path + ".behaviour"));
                    } catch (IllegalArgumentException e) {
                        throw new RuleException(path + ".behaviour", e.getMessage());
                    }
                    String category = node.has("category") ? text(node.get("category"), path + ".category") : null;
                    String item = node.has("item") ? text(node.get("item"), path + ".item") : null;
                    int days = integer(node.get("withinDays"), path + ".withinDays", 1, Rule.Behaviour.MAX_DAYS, 30);
                    int min = integer(node.get("minCount"), path + ".minCount", 1, 1_000_000, 1);
                    yield new Rule.Behaviour(type, category, item, days, min);
                }
                default -> throw new IllegalStateException(kind);
            };
        } catch (RuleException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RuleException(path, e.getMessage());
        }
    }

    private interface Build {
        Rule get();
    }

    private static Rule checked(String path, Build build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            String field = e.getMessage() != null && e.getMessage().startsWith("op ") ? ".op" : "";
            throw new RuleException(path + field, e.getMessage());
        }
    }

    private List<Rule> children(JsonNode array, String path, int depth) {
        if (array == null || !array.isArray()) {
            throw new RuleException(path, "must be an array of rules");
        }
        List<Rule> rules = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            rules.add(node(array.get(i), path + "[" + i + "]", depth + 1));
        }
        return rules;
    }

    private static void only(JsonNode node, String path, String... allowed) {
        Set<String> names = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new RuleException(path + "." + name, "unknown field; allowed here: " + String.join(", ",
                        allowed));
            }
        }
    }

    private static String text(JsonNode node, String path) {
        if (node == null || !(node.isTextual() || node.isNumber())) {
            throw new RuleException(path, "must be a string");
        }
        String value = node.asText().strip();
        if (value.isEmpty()) {
            throw new RuleException(path, "must not be blank");
        }
        if (value.length() > MAX_TEXT) {
            throw new RuleException(path, "must be at most " + MAX_TEXT + " characters");
        }
        return value;
    }

    private static int integer(JsonNode node, String path, int min, int max, int whenAbsent) {
        if (node == null) {
            return whenAbsent;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new RuleException(path, "must be a whole number");
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw new RuleException(path, "must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    private static List<String> values(JsonNode node, String path) {
        if (node.has("value") && node.has("values")) {
            throw new RuleException(path + ".values", "give either value or values, not both");
        }
        if (node.has("value")) {
            return List.of(text(node.get("value"), path + ".value"));
        }
        JsonNode array = node.get("values");
        if (array == null) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new RuleException(path + ".values", "must be an array of strings");
        }
        if (array.size() > MAX_VALUES) {
            throw new RuleException(path + ".values", "must have at most " + MAX_VALUES + " values");
        }
        List<String> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            values.add(text(array.get(i), path + ".values[" + i + "]"));
        }
        return values;
    }

    private static Operator op(JsonNode node, String path, List<String> values) {
        JsonNode op = node.get("op");
        if (op == null) {
            if (values.isEmpty()) {
                return Operator.EXISTS;
            }
            return node.has("value") ? Operator.EQ : Operator.IN;
        }
        try {
            return Operator.parse(text(op, path + ".op"));
        } catch (IllegalArgumentException e) {
            throw new RuleException(path + ".op", e.getMessage());
        }
    }

    private static void arity(Operator op, List<String> values, String path) {
        try {
            op.checkArity(values);
        } catch (IllegalArgumentException e) {
            throw new RuleException(path + ".op", e.getMessage());
        }
    }

    private static void checkContextValues(ContextField field, Operator op, List<String> values, String where) {
        if (field == ContextField.HOUR) {
            for (String v : values) {
                int hour = number(v, where);
                if (hour < 0 || hour > 23) {
                    throw new RuleException(where, "hour must be between 0 and 23, was " + v);
                }
            }
        } else if (field == ContextField.DAY_OF_WEEK) {
            for (String v : values) {
                if (RuleEvaluatorComponent.dayNumber(v) == 0) {
                    throw new RuleException(where, "day of week must be mon..sun or 1..7 (Monday is 1), was " + v);
                }
            }
        } else if (op.numeric()) {
            for (String v : values) {
                number(v, where);
            }
        }
    }

    private static int number(String v, String path) {
        try {
            return (int) Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new RuleException(path, "must be a number, was '" + v + "'");
        }
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }

    /** The rule as a JSON tree. */
    public static JsonNode tree(Rule rule) {
        ObjectNode out = NODES.objectNode();
        if (rule instanceof Rule.All all) {
            ArrayNode children = out.putArray("all");
            all.rules().forEach(r -> children.add(tree(r)));
        } else if (rule instanceof Rule.AnyOf any) {
            ArrayNode children = out.putArray("any");
            any.rules().forEach(r -> children.add(tree(r)));
        } else if (rule instanceof Rule.Not not) {
            out.set("not", tree(not.rule()));
        } else if (rule instanceof Rule.Always always) {
            out.put("always", always.value());
        } else if (rule instanceof Rule.Segment segment) {
            out.put("segment", segment.name());
        } else if (rule instanceof Rule.Attribute attribute) {
            out.put("attribute", attribute.name());
            out.put("op", attribute.op().wireName());
            putValues(out, attribute.values());
        } else if (rule instanceof Rule.Context context) {
            out.put("context", context.field().wireName());
            out.put("op", context.op().wireName());
            putValues(out, context.values());
        } else if (rule instanceof Rule.Behaviour b) {
            out.put("behaviour", b.type().wireName());
            if (b.category() != null) {
                out.put("category", b.category());
            }
            if (b.item() != null) {
                out.put("item", b.item());
            }
            out.put("withinDays", b.withinDays());
            out.put("minCount", b.minCount());
        }
        return out;
    }

    private static void putValues(ObjectNode out, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = out.putArray("values");
            values.forEach(array::add);
        }
    }

    public static String toJson(Rule rule) {
        try {
            return MAPPER.writeValueAsString(tree(rule));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
