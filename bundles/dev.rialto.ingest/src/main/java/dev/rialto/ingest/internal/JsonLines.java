package dev.rialto.ingest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** JSON Lines: one flat object per line, read with Jackson's streaming parser (embedded, private). */
final class JsonLines {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final Reader reader;
    private final int maxLineLength;
    private long lineNumber;
    private boolean tooLong;

    JsonLines(Reader reader, int maxLineLength) {
        this.reader = reader;
        this.maxLineLength = maxLineLength;
    }

    /** The line number of the line last returned. */
    long lineNumber() {
        return lineNumber;
    }

    /** Whether the line last returned was cut at the limit (its record must be rejected). */
    boolean tooLong() {
        return tooLong;
    }

    /** The next line (without its terminator, at most maxLineLength characters), or null at the end. */
    String nextLine() throws IOException {
        StringBuilder line = new StringBuilder();
        tooLong = false;
        int c = reader.read();
        if (c < 0) {
            return null;
        }
        lineNumber++;
        while (c >= 0 && c != '\n') {
            if (line.length() < maxLineLength) {
                line.append((char) c);
            } else {
                tooLong = true;
            }
            c = reader.read();
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }

    /** A flat JSON object as lower-case field name to text; numbers keep their written form. */
    static Map<String, String> parseObject(String line) throws BadRecord {
        Map<String, String> values = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRecord("*", "the line is not a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.getCurrentName().strip().toLowerCase(Locale.ROOT);
                JsonToken value = parser.nextToken();
                String text = switch (value) {
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
                            parser.getText();
                    case VALUE_NULL -> null;
                    default -> {
                        parser.skipChildren();
                        throw new BadRecord(name, name + " must be a string, a number or a boolean, not "
                                + (value == JsonToken.START_ARRAY ? "an array" : "an object"));
                    }
                };
                if (values.containsKey(name)) {
                    throw new BadRecord(name, name + " appears twice in the object");
                }
                values.put(name, text);
            }
            if (token != JsonToken.END_OBJECT) {
                throw new BadRecord("*", "malformed JSON: the object does not end");
            }
            if (parser.nextToken() != null) {
                throw new BadRecord("*", "malformed JSON: text after the object");
            }
        } catch (JsonProcessingException e) {
            throw new BadRecord("*", "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRecord("*", "malformed JSON: " + e.getMessage());
        }
        return values;
    }

    /**
     * A record given as a map (an HTTP body) as lower-case field name to text: strings as they are, numbers as
     * written (no exponent), booleans as true/false, null as blank.
     */
    static Map<String, String> fields(Map<String, Object> record) throws BadRecord {
        if (record == null) {
            throw new BadRecord("*", "the record is not a JSON object");
        }
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, Object> field : record.entrySet()) {
            if (field.getKey() == null) {
                throw new BadRecord("*", "a field has no name");
            }
            String name = field.getKey().strip().toLowerCase(Locale.ROOT);
            Object value = field.getValue();
            String text;
            if (value == null || value instanceof String || value instanceof Boolean) {
                text = value == null ? null : value.toString();
            } else if (value instanceof Number number) {
                text = number(number);
            } else {
                throw new BadRecord(name, name + " must be a string, a number or a boolean, not "
                        + (value instanceof Iterable<?> || value.getClass().isArray() ? "an array" : "an object"));
            }
            if (values.containsKey(name)) {
                throw new BadRecord(name, name + " appears twice in the object");
            }
            values.put(name, text);
        }
        return values;
    }

    /** The record's id for a rejection when it is a plain string or number (cut at 100 characters), else null. */
    static String idOf(Map<String, Object> record) {
        if (record == null) {
            return null;
        }
        for (Map.Entry<String, Object> field : record.entrySet()) {
            if (field.getKey() != null && field.getKey().strip().equalsIgnoreCase("id")
                    && (field.getValue() instanceof String || field.getValue() instanceof Number)) {
                String id = field.getValue().toString().strip();
                return id.isEmpty() ? null : id.length() > 100 ? id.substring(0, 100) : id;
            }
        }
        return null;
    }

    private static String number(Number number) {
        if (number instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return number.toString();
            }
            // 1.0E10 would not parse as a price or an epoch
            return new BigDecimal(number.toString()).toPlainString();
        }
        return number.toString();
    }

    /** One record of a message: its fields, or why it is unusable, and its text. */
    record MessageRecord(Map<String, String> values, BadRecord fault, String text) {
    }

    /** The records of a message: one JSON object, an array of objects, or JSON Lines. */
    static List<MessageRecord> message(String json) {
        String text = json == null ? "" : json.strip();
        List<MessageRecord> out = new ArrayList<>();
        if (text.isEmpty()) {
            out.add(new MessageRecord(null, new BadRecord("*", "the message is empty"), ""));
            return out;
        }
        if (text.charAt(0) != '[') {
            for (String line : text.split("\\r?\\n")) {
                if (!line.isBlank()) {
                    out.add(parsed(line));
                }
            }
            return out;
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            parser.nextToken();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    out.add(new MessageRecord(null, new BadRecord("*", "malformed JSON: the array does not end"),
                            text));
                    break;
                }
                int start = (int) parser.getTokenLocation().getCharOffset();
                parser.skipChildren();
                String element = text.substring(start, (int) parser.getCurrentLocation().getCharOffset());
                out.add(token == JsonToken.START_OBJECT ? parsed(element)
                        : new MessageRecord(null, new BadRecord("*", "the record is not a JSON object"), element));
            }
        } catch (IOException e) {
            out.add(new MessageRecord(null, new BadRecord("*", "malformed JSON: " + e.getMessage()), text));
        }
        return out;
    }

    private static MessageRecord parsed(String object) {
        try {
            return new MessageRecord(parseObject(object), null, object);
        } catch (BadRecord e) {
            return new MessageRecord(null, e, object);
        }
    }

    /** A record as compact JSON for a dead letter (values as received; nested ones shown by kind). */
    static String raw(Map<String, Object> record) {
        if (record == null) {
            return "null";
        }
        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            for (Map.Entry<String, Object> field : record.entrySet()) {
                json.writeFieldName(String.valueOf(field.getKey()));
                Object v = field.getValue();
                if (v == null) {
                    json.writeNull();
                } else if (v instanceof Boolean b) {
                    json.writeBoolean(b);
                } else if (v instanceof Number n) {
                    json.writeNumber(number(n));
                } else if (v instanceof String str) {
                    json.writeString(str.length() > 4000 ? str.substring(0, 4000) : str);
                } else {
                    json.writeString(v instanceof Iterable<?> || v.getClass().isArray() ? "[array]" : "{object}");
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            return null;
        }
        return out.toString();
    }

    /** A parsed line as a row source. */
    static Row.Source source(Map<String, String> values) {
        return source(values, null);
    }

    /** A parsed line as a row source; {@code rawLine} the line as read, else the fields are rendered. */
    static Row.Source source(Map<String, String> values, String rawLine) {
        List<String> columns = new ArrayList<>(values.keySet());
        return new Row.Source() {
            @Override
            public String raw() {
                if (rawLine != null) {
                    return rawLine;
                }
                Map<String, Object> record = new java.util.LinkedHashMap<>(values);
                return JsonLines.raw(record);
            }

            @Override
            public String get(String column) {
                return values.get(column);
            }

            @Override
            public List<String> columns() {
                return columns;
            }
        };
    }
}
