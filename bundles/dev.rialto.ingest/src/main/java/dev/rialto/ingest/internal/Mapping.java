package dev.rialto.ingest.internal;

import dev.rialto.api.ingest.EntityKind;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How the columns of a source become items, events or profiles. The plain kinds ({@code items}, {@code events},
 * {@code profiles}) use the identity mapping: each field is read from the column of the same name. A named
 * mapping is a properties file (see the README for its keys); it is parsed completely here, so a mistake fails the
 * call before any record is read, with a message naming the property.
 */
final class Mapping {
    /** In {@code concat.<field>}: the record's line number, which makes ids of repeated rows distinct. */
    static final String LINE = "#line";
    static final Set<String> EVENT_FIELDS = Set.of("id", "type", "user", "item", "quantity", "timestamp", "query",
            "price", "channel", "campaign", "slot", "creative");
    private static final Pattern FIELD = Pattern.compile("[a-z0-9_]+");

    final String name;
    /** Null: from the file name. */
    final Format format;
    /** Null: detected from the header (CSV) or a tab (TSV). */
    final Character delimiter;
    final Charset charset;
    /** Null: ISO-8601 or epoch milliseconds. */
    final DateTimeFormatter timestampFormat;
    /** Null: the ingestor's zone. */
    final ZoneId zone;
    final char decimalSeparator;
    /** Empty: none. */
    final String groupingSeparator;
    final List<Rule> rules;
    final Part primary;
    /** Further kinds built from the same rows (items and profiles of an order file). */
    final List<Part> also;
    /**
     * The last timestamp parsed and its instant. A mapping is resolved afresh for each call, so this cache is
     * confined to one call's thread; the zone cannot change within a call.
     */
    String lastTimestamp;
    java.time.Instant lastInstant;

    /** Rejects a record whose column matches the pattern (the whole stripped value; blank is ""). */
    record Rule(String name, String column, String label, Pattern pattern, String reason) {
    }

    enum Transform {
        /** {@code 17850.0} becomes {@code 17850}: ids some exporters wrote as floats. */
        INTEGER, UPPER, LOWER
    }

    /** The fields of one kind. */
    static final class Part {
        final EntityKind kind;
        final Map<String, String> columns = new HashMap<>();
        final Map<String, String> labels = new HashMap<>();
        final Map<String, String> constants = new HashMap<>();
        final Map<String, List<String>> concat = new HashMap<>();
        final Map<String, Transform> transforms = new HashMap<>();
        boolean otherColumns = true;
        final Set<String> fields = new LinkedHashSet<>();

        Part(EntityKind kind) {
            this.kind = kind;
        }

        /** The lower-case source column a field is read from. */
        String column(String field) {
            return columns.getOrDefault(field, field);
        }

        /** The field's name in messages: the source column as the mapping writes it. */
        String label(String field) {
            return labels.getOrDefault(field, field);
        }

        /** Lower-case source columns the mapping reads explicitly. */
        Set<String> usedColumns() {
            Set<String> used = new LinkedHashSet<>(columns.values());
            concat.values().forEach(parts -> parts.stream().filter(p -> !p.equals(LINE))
                    .forEach(p -> used.add(p.toLowerCase(Locale.ROOT))));
            return used;
        }

        void set(String where, String key, String value) {
            if (key.equals("otherColumns")) {
                otherColumns = switch (value.toLowerCase(Locale.ROOT)) {
                    case "attributes" -> true;
                    case "ignore" -> false;
                    default -> throw new IllegalArgumentException(where + " must be attributes or ignore, was '"
                            + value + "'");
                };
                return;
            }
            int dot = key.indexOf('.');
            String what = dot < 0 ? key : key.substring(0, dot);
            String field = dot < 0 ? "" : key.substring(dot + 1);
            if (!FIELD.matcher(field).matches()) {
                throw new IllegalArgumentException(where + " is not a property of a mapping (expected column.<field>,"
                        + " constant.<field>, concat.<field>, transform.<field> or otherColumns; fields are lower-case)");
            }
            if (kind == EntityKind.EVENTS && !EVENT_FIELDS.contains(field)) {
                throw new IllegalArgumentException(where + ": events have no field '" + field + "' (they have "
                        + String.join(", ", EVENT_FIELDS.stream().sorted().toList()) + ")");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException(where + " must not be blank");
            }
            switch (what) {
                case "column" -> {
                    columns.put(field, value.toLowerCase(Locale.ROOT));
                    labels.put(field, value);
                }
                case "constant" -> constants.put(field, value);
                case "concat" -> {
                    List<String> parts = new ArrayList<>();
                    for (String p : value.split(",")) {
                        if (!p.isBlank()) {
                            parts.add(p.strip());
                        }
                    }
                    concat.put(field, List.copyOf(parts));
                }
                case "transform" -> {
                    try {
                        transforms.put(field, Transform.valueOf(value.toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(where + " must be integer, upper or lower, was '" + value
                                + "'");
                    }
                    return;
                }
                default -> throw new IllegalArgumentException(where + " is not a property of a mapping (expected"
                        + " column.<field>, constant.<field>, concat.<field>, transform.<field> or otherColumns)");
            }
            if ((constants.containsKey(field) ? 1 : 0) + (columns.containsKey(field) ? 1 : 0)
                    + (concat.containsKey(field) ? 1 : 0) > 1) {
                throw new IllegalArgumentException(where + ": field '" + field
                        + "' is set twice (use one of column, constant, concat)");
            }
            fields.add(field);
        }
    }

    private Mapping(String name, Format format, Character delimiter, Charset charset,
            DateTimeFormatter timestampFormat, ZoneId zone, char decimalSeparator, String groupingSeparator,
            List<Rule> rules, Part primary, List<Part> also) {
        this.name = name;
        this.format = format;
        this.delimiter = delimiter;
        this.charset = charset;
        this.timestampFormat = timestampFormat;
        this.zone = zone;
        this.decimalSeparator = decimalSeparator;
        this.groupingSeparator = groupingSeparator;
        this.rules = List.copyOf(rules);
        this.primary = primary;
        this.also = List.copyOf(also);
    }

    /** Fields read from the columns of the same name, as before mappings existed. */
    static Mapping plain(EntityKind kind) {
        return new Mapping(kind.name().toLowerCase(Locale.ROOT), null, null, StandardCharsets.UTF_8, null, null, '.',
                "", List.of(), new Part(kind), List.of());
    }

    /**
     * Parses a mapping.
     *
     * @param properties in the order of the file: reject rules run in that order
     * @throws IllegalArgumentException naming the offending property
     */
    static Mapping parse(String name, Map<String, String> properties) {
        String in = "mapping " + name + ": ";
        String rawKind = properties.get("kind");
        if (rawKind == null || rawKind.isBlank()) {
            throw new IllegalArgumentException(in + "kind is required (items, events or profiles)");
        }
        EntityKind kind;
        try {
            kind = EntityKind.parse(rawKind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(in + e.getMessage(), e);
        }
        Format format = null;
        Character delimiter = null;
        Charset charset = StandardCharsets.UTF_8;
        DateTimeFormatter timestampFormat = null;
        ZoneId zone = null;
        char decimal = '.';
        String grouping = "";
        Map<EntityKind, Part> parts = new EnumMap<>(EntityKind.class);
        parts.put(kind, new Part(kind));
        List<EntityKind> also = new ArrayList<>();
        Map<String, Map<String, String>> rules = new LinkedHashMap<>();
        Map<String, String> pending = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            String key = entry.getKey().strip();
            String raw = entry.getValue() == null ? "" : entry.getValue();
            String value = raw.strip();
            String where = in + key;
            try {
                switch (key) {
                    case "kind" -> {
                    }
                    case "format" -> format = Format.parse(value, key);
                    case "delimiter" -> delimiter = delimiter(raw, where);
                    case "charset" -> charset = Charset.forName(value);
                    case "timestamp.format" -> timestampFormat = DateTimeFormatter.ofPattern(value, Locale.ROOT);
                    case "timestamp.zone" -> zone = ZoneId.of(value);
                    case "decimal.separator" -> {
                        if (!value.equals(".") && !value.equals(",")) {
                            throw new IllegalArgumentException(where + " must be . or ,");
                        }
                        decimal = value.charAt(0);
                    }
                    case "grouping.separator" -> grouping = raw.equals(" ") ? " " : value;
                    case "also" -> {
                        for (String k : value.split(",")) {
                            if (!k.isBlank()) {
                                EntityKind other = EntityKind.parse(k);
                                if (other == kind || also.contains(other)) {
                                    throw new IllegalArgumentException(where + " names " + k.strip()
                                            + " twice or names the mapping's own kind");
                                }
                                also.add(other);
                                parts.put(other, new Part(other));
                            }
                        }
                    }
                    default -> {
                        if (key.startsWith("reject.")) {
                            int dot = key.lastIndexOf('.');
                            String rule = dot > 7 ? key.substring(7, dot) : "";
                            if (rule.isEmpty()) {
                                throw new IllegalArgumentException(where
                                        + " is not reject.<rule>.column, .pattern or .reason");
                            }
                            rules.computeIfAbsent(rule, r -> new HashMap<>()).put(key.substring(dot + 1), value);
                        } else {
                            pending.put(key, value);
                        }
                    }
                }
            } catch (DateTimeException | IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new IllegalArgumentException(where + " '" + value + "' is not valid: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw e.getMessage() != null && e.getMessage().startsWith(in) ? e
                        : new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        if (decimal == ',' && grouping.equals(",") || decimal == '.' && grouping.equals(".")) {
            throw new IllegalArgumentException(in + "grouping.separator must differ from decimal.separator");
        }
        // Part keys come last: "also" may follow them in the file.
        for (Map.Entry<String, String> entry : pending.entrySet()) {
            String key = entry.getKey();
            int dot = key.indexOf('.');
            String first = dot < 0 ? key : key.substring(0, dot);
            EntityKind prefixed = switch (first) {
                case "items" -> EntityKind.ITEMS;
                case "events" -> EntityKind.EVENTS;
                case "profiles" -> EntityKind.PROFILES;
                default -> null;
            };
            if (prefixed == null) {
                parts.get(kind).set(in + key, key, entry.getValue());
            } else if (parts.containsKey(prefixed)) {
                parts.get(prefixed).set(in + key, key.substring(dot + 1), entry.getValue());
            } else {
                throw new IllegalArgumentException(in + key + " needs also=" + first);
            }
        }
        List<Rule> ruleList = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> rule : rules.entrySet()) {
            Map<String, String> r = rule.getValue();
            String prefix = in + "reject." + rule.getKey() + ".";
            for (String key : r.keySet()) {
                if (!Set.of("column", "pattern", "reason").contains(key)) {
                    throw new IllegalArgumentException(prefix + key + " is not .column, .pattern or .reason");
                }
            }
            String column = r.get("column");
            if (column == null || column.isEmpty()) {
                throw new IllegalArgumentException(prefix + "column is required");
            }
            String regex = r.get("pattern");
            if (regex == null || regex.isEmpty()) {
                throw new IllegalArgumentException(prefix + "pattern is required");
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(prefix + "pattern is not a regular expression: "
                        + e.getDescription(), e);
            }
            String reason = r.getOrDefault("reason", "");
            ruleList.add(new Rule(rule.getKey(), column.toLowerCase(Locale.ROOT), column, pattern,
                    reason.isEmpty() ? "rejected by rule " + rule.getKey() : reason));
        }
        return new Mapping(name, format, delimiter, charset, timestampFormat, zone, decimal, grouping, ruleList,
                parts.get(kind), also.stream().map(parts::get).toList());
    }

    private static Character delimiter(String raw, String where) {
        if (raw.equals("\t") || raw.strip().equalsIgnoreCase("tab") || raw.strip().equals("\\t")) {
            return '\t';
        }
        String v = raw.strip();
        if (v.length() != 1 || v.charAt(0) == '"' || v.charAt(0) == '\n' || v.charAt(0) == '\r') {
            throw new IllegalArgumentException(where + " must be one character (or tab), was '" + raw + "'");
        }
        return v.charAt(0);
    }

    /** A decimal written with this mapping's separators, in the form BigDecimal reads. */
    String normalDecimal(String value) {
        String v = groupingSeparator.isEmpty() ? value : value.replace(groupingSeparator, "");
        return decimalSeparator == ',' ? v.replace(',', '.') : v;
    }

    /** The parts in storing order: the further kinds first, so that events never precede their items. */
    List<Part> parts() {
        List<Part> all = new ArrayList<>(also);
        all.add(primary);
        return all;
    }
}
