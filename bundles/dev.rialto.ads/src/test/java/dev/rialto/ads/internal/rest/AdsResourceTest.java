package dev.rialto.ads.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rialto.ads.internal.beacon.BeaconTokens;
import dev.rialto.ads.internal.engine.AdEngine;
import dev.rialto.ads.internal.engine.Inventory;
import dev.rialto.ads.internal.engine.Services;
import dev.rialto.ads.internal.engine.Settings;
import dev.rialto.ads.internal.json.AdJson;
import dev.rialto.ads.internal.rules.RuleEvaluatorComponent;
import dev.rialto.ads.internal.store.MemoryAdStore;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.Test;

class AdsResourceTest {
    static final String ADVERTISER = "{\"id\":\"adv\",\"name\":\"Acme\"}";
    static final String CAMPAIGN = "{\"id\":\"k1\",\"advertiser\":\"adv\",\"name\":\"Spring\","
            + "\"start\":\"2020-01-01T00:00:00Z\",\"bidType\":\"cpm\",\"bid\":2,"
            + "\"caps\":[{\"scope\":\"creative\",\"max\":1,\"window\":\"PT1H\"}],"
            + "\"targeting\":{\"context\":\"country\",\"values\":[\"DE\",\"AT\"]}}";
    static final String CREATIVE = "{\"id\":\"c1\",\"campaign\":\"k1\",\"format\":\"banner\",\"size\":\"300x250\","
            + "\"headline\":\"Spring sale\",\"landingUrl\":\"https://shop.example/spring\"}";
    static final String SLOT = "{\"id\":\"top\",\"format\":\"banner\",\"size\":\"300x250\",\"reserveCpm\":0.5}";

    private final SplittableRandom random = new SplittableRandom(1);
    private final AdsResource resource;

    AdsResourceTest() {
        MemoryAdStore store = new MemoryAdStore();
        Inventory inv = new Inventory(store);
        AdEngine engine = new AdEngine(inv, store, new RuleEvaluatorComponent(), Services.NONE, Settings.defaults(),
                Clock.systemUTC(), () -> random);
        resource = new AdsResource(engine, inv, new BeaconTokens("a beacon secret for tests", Duration.ofHours(1),
                Clock.systemUTC()));
    }

    static SecurityContext as(String... roles) {
        Set<String> set = Set.of(roles);
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> "someone";
            }

            @Override
            public boolean isUserInRole(String role) {
                return set.contains(role);
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return "BASIC";
            }
        };
    }

    static JsonNode body(Response r) {
        return AdJson.read((String) r.getEntity());
    }

    @Test
    void entitiesAreCreatedValidatedListedAndDeleted() {
        SecurityContext marketer = as("rialto-marketer");
        assertEquals(403, resource.create("advertisers", ADVERTISER, as("viewer")).getStatus());
        assertEquals(201, resource.create("advertisers", ADVERTISER, marketer).getStatus());
        assertEquals(409, resource.create("advertisers", ADVERTISER, marketer).getStatus());

        Response missing = resource.create("campaigns", CAMPAIGN.replace("\"adv\"", "\"nobody\""), marketer);
        assertEquals(400, missing.getStatus());
        assertEquals("advertiser", body(missing).get("field").asText());

        Response bad = resource.create("campaigns", CAMPAIGN.replace("\"bid\":2", "\"bid\":-2"), marketer);
        assertEquals(400, bad.getStatus());
        assertEquals("bid", body(bad).get("field").asText());
        Response badRule = resource.create("campaigns", CAMPAIGN.replace("\"values\"", "\"valuez\""), marketer);
        assertEquals("targeting.valuez", body(badRule).get("field").asText());

        assertEquals(201, resource.create("campaigns", CAMPAIGN, marketer).getStatus());
        assertEquals(201, resource.create("creatives", CREATIVE, marketer).getStatus());
        assertEquals(201, resource.create("slots", SLOT, as("rialto-admin")).getStatus());
        assertEquals(404, resource.create("banners", SLOT, marketer).getStatus());

        JsonNode campaigns = body(resource.list("campaigns")).get("campaigns");
        assertEquals(1, campaigns.size());
        assertEquals("DE", campaigns.get(0).get("targeting").get("values").get(0).asText());
        assertEquals("Spring", body(resource.get("campaigns", "k1")).get("name").asText());
        assertEquals(404, resource.get("campaigns", "k2").getStatus());

        Response renamed = resource.replace("campaigns", "k1", CAMPAIGN.replace("Spring", "Summer"), marketer);
        assertEquals(200, renamed.getStatus());
        assertEquals("Summer", body(resource.get("campaigns", "k1")).get("name").asText());
        assertEquals(400, resource.replace("campaigns", "k9", CAMPAIGN, marketer).getStatus());

        assertEquals(409, resource.delete("campaigns", "k1", marketer).getStatus());
        assertEquals(204, resource.delete("creatives", "c1", marketer).getStatus());
        assertEquals(404, resource.delete("creatives", "c1", marketer).getStatus());
    }

    @Test
    void decisionWithTraceThenImpressionClickAndCaps() {
        SecurityContext admin = as("rialto-admin");
        resource.create("advertisers", ADVERTISER, admin);
        resource.create("campaigns", CAMPAIGN, admin);
        resource.create("creatives", CREATIVE, admin);
        resource.create("slots", SLOT, admin);

        Response response = resource.decide("u1", "top", "home", "pv1", null, null, null, "mobile", "DE", "Europe/Berlin",
                null);
        assertEquals(200, response.getStatus());
        JsonNode decision = body(response);
        assertTrue(decision.get("filled").asBoolean(), decision.toString());
        assertEquals("c1", decision.get("ad").get("creative").get("id").asText());
        assertEquals(0.5, decision.get("ad").get("price").asDouble(), 1e-9);
        JsonNode rules = decision.get("trace").get(0).get("rules");
        assertEquals("targeting", rules.get(5).get("rule").asText());
        assertTrue(rules.get(5).get("passed").asBoolean());

        String id = decision.get("decision").asText();
        assertEquals(404, resource.click(id).getStatus());
        assertEquals(200, resource.impression(id).getStatus());
        assertEquals(404, resource.impression(id).getStatus());
        assertEquals(200, resource.click(id).getStatus());

        JsonNode capped = body(resource.decide("u1", "top", null, null, null, null, null, null, "DE", null, "summary"));
        assertFalse(capped.get("filled").asBoolean());
        assertTrue(capped.get("reasons").get(0).asText().contains("1 failed caps"), capped.toString());
        assertEquals(1, capped.get("candidates").asInt());

        JsonNode report = body(resource.report("k1"));
        assertEquals(1, report.get("impressions").asInt());
        assertEquals(1, report.get("clicks").asInt());
        assertEquals(0.0005, report.get("spend").asDouble(), 1e-12);
    }

    @Test
    void badDecisionParametersNameTheirField() {
        assertEquals("user", body(resource.decide(" ", "top", null, null, null, null, null, null, null, null, null))
                .get("field").asText());
        assertEquals("tz", body(resource.decide("u", "top", null, null, null, null, null, null, null, "Mars/Base",
                null)).get("field").asText());
        Response noSlot = resource.decide("u", "nowhere", null, null, null, null, null, null, null, null, null);
        assertEquals(404, noSlot.getStatus());
        assertEquals("slot", body(noSlot).get("field").asText());
        assertEquals("trace", body(resource.decide("u", "top", null, null, null, null, null, null, null, null, "all"))
                .get("field").asText());
    }

    @Test
    void beaconsRecordWithTheSignedTokenAndTheClickRedirectsToTheLandingPage() {
        SecurityContext admin = as("rialto-admin");
        assertEquals(201, resource.create("advertisers", ADVERTISER, admin).getStatus());
        assertEquals(201, resource.create("campaigns", CAMPAIGN, admin).getStatus());
        assertEquals(201, resource.create("creatives", CREATIVE, admin).getStatus());
        assertEquals(201, resource.create("slots", SLOT, admin).getStatus());
        JsonNode decision = body(resource.decide("u1", "top", null, null, null, null, null, null, "DE", null,
                "summary"));
        String id = decision.get("decision").asText();
        String token = decision.get("beacons").get("token").asText();
        assertEquals("/api/v1/ads/impression?t=" + token, decision.get("beacons").get("impression").asText());

        // A forged token (another decision id, or a changed signature) is refused and records nothing.
        String forged = token.substring(0, token.indexOf('.')) + ".AAAA";
        Response refused = resource.impressionBeacon(forged);
        assertEquals(403, refused.getStatus());
        assertEquals("t", body(refused).get("field").asText());
        assertEquals(403, resource.clickBeacon("not-a-token").getStatus());
        assertEquals(0, body(resource.report("k1")).get("impressions").asInt());

        JsonNode shown = body(resource.impressionBeacon(token));
        assertTrue(shown.get("recorded").asBoolean());
        assertEquals(id, shown.get("decision").asText());
        assertFalse(body(resource.impressionBeaconPost(token)).get("recorded").asBoolean(), "counted once");

        Response click = resource.clickBeacon(token);
        assertEquals(303, click.getStatus());
        assertEquals("https://shop.example/spring", click.getLocation().toString());
        assertEquals(303, resource.clickBeaconPost(token).getStatus(), "a repeated click still lands");
        JsonNode report = body(resource.report("k1"));
        assertEquals(1, report.get("impressions").asInt());
        assertEquals(1, report.get("clicks").asInt());
    }

    @Test
    void tokensExpireAndNeedTheSameSecret() throws Exception {
        Fixed clock = new Fixed(java.time.Instant.parse("2026-03-02T10:00:00Z"));
        BeaconTokens tokens = new BeaconTokens("a beacon secret for tests", Duration.ofMinutes(60), clock);
        String token = tokens.sign("d-1", "c1");
        BeaconTokens.Claim claim = tokens.verify(token);
        assertEquals("d-1", claim.decisionId());
        assertEquals("c1", claim.creativeId());
        BeaconTokens other = new BeaconTokens("another secret, as long", Duration.ofMinutes(60), clock);
        BeaconTokens.BadTokenException forged = org.junit.jupiter.api.Assertions.assertThrows(
                BeaconTokens.BadTokenException.class, () -> other.verify(token));
        assertFalse(forged.expired());
        clock.now = clock.now.plus(Duration.ofMinutes(61));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(BeaconTokens.BadTokenException.class,
                () -> tokens.verify(token)).expired());
        assertEquals("beacon.secret must be at least 16 characters (or empty for a random one per start)",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> new BeaconTokens("short", Duration.ofMinutes(1), clock)).getMessage());
    }

    static final class Fixed extends Clock {
        java.time.Instant now;

        Fixed(java.time.Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }
}
