package dev.rialto.ingest.internal.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rialto.api.events.Event;
import dev.rialto.api.ingest.DeadLetter;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.profiles.Profile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/** A user's data as JSON: the export format of the REST API and of {@code rialto:profile-export}. */
final class UserDataJson {
    private static final JsonFactory JSON = new JsonFactory();

    private UserDataJson() {
    }

    static String write(UserData data) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("user", data.userId());
            Profile p = data.profile();
            if (p == null) {
                json.writeNullField("profile");
            } else {
                json.writeObjectFieldStart("profile");
                json.writeObjectFieldStart("attributes");
                for (Map.Entry<String, String> a : new TreeMap<>(p.attributes()).entrySet()) {
                    json.writeStringField(a.getKey(), a.getValue());
                }
                json.writeEndObject();
                json.writeObjectFieldStart("consent");
                bool(json, "personalisation", p.consent().personalisation());
                bool(json, "email", p.consent().email());
                bool(json, "ads", p.consent().ads());
                json.writeEndObject();
                json.writeStringField("created", p.created().toString());
                json.writeStringField("updated", p.updated().toString());
                json.writeEndObject();
            }
            json.writeArrayFieldStart("events");
            for (Event e : data.events()) {
                json.writeStartObject();
                json.writeStringField("id", e.id());
                json.writeStringField("type", e.type().wireName());
                json.writeStringField("item", e.itemId());
                json.writeNumberField("quantity", e.quantity());
                json.writeStringField("timestamp", e.timestamp().toString());
                json.writeStringField("query", e.query());
                if (e.price() == null) {
                    json.writeNullField("price");
                } else {
                    json.writeFieldName("price");
                    json.writeNumber(e.price());
                }
                json.writeStringField("channel", e.context().channel());
                json.writeStringField("campaign", e.context().campaign());
                json.writeStringField("slot", e.context().slot());
                json.writeStringField("creative", e.context().creative());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("deadLetters");
            for (DeadLetter d : data.deadLetters()) {
                json.writeStartObject();
                json.writeStringField("source", d.source());
                json.writeStringField("file", d.file());
                json.writeNumberField("line", d.line());
                json.writeStringField("field", d.field());
                json.writeStringField("reason", d.reason());
                json.writeStringField("raw", d.raw());
                json.writeStringField("at", d.at().toString());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void bool(JsonGenerator json, String name, Boolean value) throws IOException {
        if (value == null) {
            json.writeNullField(name);
        } else {
            json.writeBooleanField(name, value);
        }
    }
}
