package dev.rialto.content.internal.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small JSON reader on Jackson's streaming parser (embedded): objects become maps, arrays lists. */
final class Json {
    static final JsonFactory FACTORY = new JsonFactory();
    /** A generation request is small; anything larger is refused before it is read. */
    static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_DEPTH = 8;

    /** The body is not usable. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private Json() {
    }

    static Map<String, Object> object(InputStream body) throws Invalid {
        if (body == null) {
            throw new Invalid("a JSON object is required");
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new Invalid("the body could not be read");
        }
        if (bytes.length > MAX_BYTES) {
            throw new Invalid("the body is larger than " + MAX_BYTES + " bytes");
        }
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new Invalid(first == null ? "a JSON object is required, the body is empty"
                        : "the body must be a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) value(parser, 0);
            if (parser.nextToken() != null) {
                throw new Invalid("the body holds more than one JSON value");
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new Invalid("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Invalid("the body could not be read");
        }
    }

    private static Object value(JsonParser parser, int depth) throws IOException, Invalid {
        if (depth > MAX_DEPTH) {
            throw new Invalid("the body is nested too deeply");
        }
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    if (map.put(name, value(parser, depth + 1)) != null) {
                        throw new Invalid("the field " + name + " appears twice");
                    }
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(parser, depth + 1));
                }
                return list;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return parser.getNumberValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new Invalid("unexpected JSON token " + token);
        }
    }
}
