package dev.rialto.campaigns.internal;

import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdPlacementEngine;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.ContentVariant;
import dev.rialto.api.profiles.Profile;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The generate and decide-ad steps on the content and ads services. */
final class ServiceSteps {
    /** Profile attributes never handed to a content provider as traits: personal data. */
    static final Set<String> PERSONAL = Set.of("email", "first_name", "firstname", "name", "last_name", "phone",
            "address");

    private ServiceSteps() {
    }

    static StepComposer.Generator generator(ContentGenerator content) {
        return (kind, provider, locale, tone, profile, items, channel) -> {
            if (items.isEmpty()) {
                return null; // copy is grounded in items: a generate step needs a recommend step before it
            }
            ContentKind k = ContentKind.parse(kind);
            Map<String, String> traits = new LinkedHashMap<>();
            profile.attributes().forEach((key, value) -> {
                if (!PERSONAL.contains(key.toLowerCase(java.util.Locale.ROOT))) {
                    traits.put(key, value);
                }
            });
            String firstName = firstName(profile);
            Audience audience = new Audience(profile.attributes().get("segment"), firstName, profile.consent(), traits);
            ContentResponse response = content.generate(new ContentRequest(k, locale,
                    items.subList(0, Math.min(items.size(), ContentRequest.MAX_ITEMS)), audience, tone, null, 1,
                    provider));
            if (response.variants().isEmpty()) {
                return null;
            }
            ContentVariant v = response.variants().get(0);
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("content." + k.id() + ".provider", v.provider());
            attributes.put("content." + k.id() + ".fallback", Boolean.toString(response.fallback()));
            attributes.put("content." + k.id() + ".findings", Integer.toString(v.report().findings().size()));
            boolean subject = k == ContentKind.EMAIL_SUBJECT || k == ContentKind.AD_HEADLINE;
            return new StepComposer.Generated(subject ? v.text() : null, subject ? null : v.text(), attributes);
        };
    }

    /**
     * The profile's first name, or null; the content service decides whether a greeting may use it (consent, and never
     * a name the privacy policy keeps encrypted).
     */
    static String firstName(Profile profile) {
        String name = profile.attributes().getOrDefault("first_name", profile.attributes().get("firstname"));
        return name == null || name.isBlank() ? null : name;
    }

    static StepComposer.AdDecider ads(AdPlacementEngine engine) {
        return (slot, profile) -> {
            AdDecision d = engine.decide(new AdRequest(profile.id(), slot, null, null, Map.of(),
                    zone(profile), Instant.now()));
            return d.winner().map(p -> p.creative().id()).orElse(null);
        };
    }

    private static ZoneId zone(Profile p) {
        try {
            String tz = p.attributes().get("timezone");
            return tz == null ? null : ZoneId.of(tz);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

}
