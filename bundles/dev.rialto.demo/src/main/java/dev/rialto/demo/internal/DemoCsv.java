package dev.rialto.demo.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes the generated data as the ingestor's CSV files: a header row, RFC 4180 quoting, {@code \n} line ends,
 * UTF-8 (the caller's writer). Quoting is done here so that the bundle embeds no CSV library.
 */
final class DemoCsv {

    static final List<String> ITEM_HEADER = List.of("id", "title", "description", "category", "price", "currency",
            "available", "language", "brand");
    static final List<String> PROFILE_HEADER = List.of("id", "favourite_category", "country", "age_band",
            "price_sensitivity", "activity", "strong_taste");
    static final List<String> EVENT_HEADER = List.of("id", "type", "user", "item", "quantity", "timestamp", "query");

    private DemoCsv() {
    }

    static void writeItems(List<DemoItem> items, Writer out) {
        row(out, ITEM_HEADER.toArray(String[]::new));
        for (DemoItem item : items) {
            row(out, item.id(), item.title(), item.description(), item.category(), item.price().toPlainString(),
                    "GBP", Boolean.toString(item.available()), "en", item.brand());
        }
    }

    static void writeProfiles(List<DemoUser> users, Writer out) {
        row(out, PROFILE_HEADER.toArray(String[]::new));
        List<Vocabulary.Top> tops = Vocabulary.tops();
        for (DemoUser user : users) {
            row(out, user.id(), tops.get(user.favourite()).name(), user.country(), user.ageBand(),
                    level(user.priceSensitivity(), 0.4, 0.6), level(user.activity(), 0.7, 1.6),
                    Boolean.toString(user.strongTaste()));
        }
    }

    static void writeEvents(List<DemoEvent> events, Writer out) {
        row(out, EVENT_HEADER.toArray(String[]::new));
        int width = Math.max(7, String.valueOf(events.size()).length());
        int n = 0;
        for (DemoEvent event : events) {
            row(out, DemoGenerator.id("e", ++n, width), event.type().wireName(), event.user(), event.item(),
                    Integer.toString(event.quantity()), event.timestamp().toString(), event.query());
        }
    }

    private static String level(double value, double low, double high) {
        return value < low ? "low" : value < high ? "medium" : "high";
    }

    static void row(Writer out, String... fields) {
        try {
            for (int i = 0; i < fields.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(quote(fields[i]));
            }
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null becomes an empty field; fields with a comma, quote, line break or edge space are quoted. */
    static String quote(String field) {
        if (field == null || field.isEmpty()) {
            return "";
        }
        boolean quote = field.charAt(0) == ' ' || field.charAt(field.length() - 1) == ' ';
        for (int i = 0; !quote && i < field.length(); i++) {
            char c = field.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
