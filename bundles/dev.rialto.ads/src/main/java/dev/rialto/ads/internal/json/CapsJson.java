package dev.rialto.ads.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rialto.api.ads.FrequencyCap;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Frequency caps as JSON: {@code [{"scope":"campaign","max":3,"window":"P1D"}]}; windows are ISO-8601 durations. */
public final class CapsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CapsJson() {
    }

    public static ArrayNode tree(List<FrequencyCap> caps) {
        ArrayNode array = MAPPER.createArrayNode();
        for (FrequencyCap cap : caps) {
            var node = array.addObject();
            node.put("scope", cap.scope().wireName());
            node.put("max", cap.max());
            if (cap.window() != null) {
                node.put("window", cap.window().toString());
            }
        }
        return array;
    }

    public static String toJson(List<FrequencyCap> caps) {
        return tree(caps).toString();
    }

    /** @throws FieldException naming {@code path[i].field} */
    public static List<FrequencyCap> parse(JsonNode array, String path) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new FieldException(path, "must be an array of caps");
        }
        List<FrequencyCap> caps = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode node = array.get(i);
            if (!node.isObject()) {
                throw new FieldException(at, "must be an object with scope, max and window");
            }
            Fields.only(node, at, "scope", "max", "window");
            FrequencyCap.Scope scope;
            try {
                scope = FrequencyCap.Scope.parse(Fields.text(node, "scope", at, true));
            } catch (IllegalArgumentException e) {
                throw new FieldException(at + ".scope", e.getMessage());
            }
            int max = Fields.integer(node, "max", at, 1, 1_000_000);
            Duration window = null;
            String text = Fields.text(node, "window", at, scope != FrequencyCap.Scope.SESSION);
            if (text != null) {
                try {
                    window = Duration.parse(text);
                } catch (DateTimeParseException e) {
                    throw new FieldException(at + ".window", "must be an ISO-8601 duration such as PT1H or P7D,"
                            + " was '" + text + "'");
                }
            }
            try {
                caps.add(new FrequencyCap(scope, max, window));
            } catch (IllegalArgumentException e) {
                throw new FieldException(at + "." + Fields.fieldOf(e, "window"), e.getMessage());
            }
        }
        return caps;
    }

    public static List<FrequencyCap> parse(String json) {
        try {
            return parse(MAPPER.readTree(json), "caps");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FieldException("caps", "not valid JSON");
        }
    }
}
