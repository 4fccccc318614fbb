package dev.rialto.content.llm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the variants out of a model's answer: a JSON array of strings as asked, the same inside a code fence or
 * after some chatter, an object holding such an array, or, when there is no JSON at all, one variant per line.
 */
final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    static List<String> variants(String answer) {
        if (answer == null || answer.isBlank()) {
            return List.of();
        }
        String text = answer.strip();
        int open = text.indexOf('[');
        int close = text.lastIndexOf(']');
        if (open >= 0 && close > open) {
            List<String> parsed = array(text.substring(open, close + 1));
            if (parsed != null) {
                return parsed;
            }
        }
        int brace = text.indexOf('{');
        if (brace >= 0) {
            try {
                JsonNode node = JSON.readTree(text.substring(brace, text.lastIndexOf('}') + 1));
                for (JsonNode field : node) {
                    if (field.isArray()) {
                        return strings(field);
                    }
                }
            } catch (Exception e) {
                // not JSON: read lines below
            }
        }
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String l = line.strip().replaceFirst("^(?:[-*•]|\\d+[.)])\\s*", "").strip();
            if (!l.isEmpty() && !l.startsWith("```")) {
                lines.add(l);
            }
        }
        return lines;
    }

    private static List<String> array(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node.isArray() ? strings(node) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode element : array) {
            if (element.isTextual() && !element.asText().isBlank()) {
                out.add(element.asText());
            } else if (element.isObject() && element.has("text")) {
                out.add(element.get("text").asText());
            }
        }
        return out;
    }
}
