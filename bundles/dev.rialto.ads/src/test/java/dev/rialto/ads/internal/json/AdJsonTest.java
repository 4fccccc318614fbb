package dev.rialto.ads.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.FrequencyCap;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.ads.Tier;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdJsonTest {
    static final String CAMPAIGN = "{\"id\":\"k1\",\"advertiser\":\"adv\",\"name\":\"Spring\",\"start\":\"2026-03-01T00:00:00Z\","
            + "\"bidType\":\"cpc\",\"bid\":0.35,\"tier\":\"auction\",\"dailyBudget\":\"20\","
            + "\"targeting\":{\"context\":\"country\",\"value\":\"DE\"},"
            + "\"caps\":[{\"scope\":\"campaign\",\"max\":3,\"window\":\"P1D\"}],\"competitiveLabels\":[\"air\"]}";

    @Test
    void aCampaignRoundTrips() {
        AdCampaign c = AdJson.campaign(AdJson.read(CAMPAIGN), "");
        assertEquals(BidType.CPC, c.bidType());
        assertEquals(Tier.AUCTION, c.tier());
        assertEquals(new FrequencyCap(FrequencyCap.Scope.CAMPAIGN, 3, Duration.ofDays(1)), c.caps().get(0));
        assertEquals(c, AdJson.campaign(AdJson.tree(c), ""));
    }

    @Test
    void everyErrorNamesItsField() {
        assertField("bid", CAMPAIGN.replace("\"bid\":0.35", "\"bid\":0"));
        assertField("bid", CAMPAIGN.replace("\"bid\":0.35", "\"bid\":\"lots\""));
        assertField("bidType", CAMPAIGN.replace("\"cpc\"", "\"cpx\""));
        assertField("start", CAMPAIGN.replace("2026-03-01T00:00:00Z", "yesterday"));
        assertField("targeting.op", CAMPAIGN.replace("\"value\":\"DE\"", "\"op\":\"like\",\"value\":\"DE\""));
        assertField("caps[0].window", CAMPAIGN.replace("P1D", "one day"));
        assertField("caps[0].max", CAMPAIGN.replace("\"max\":3", "\"max\":0"));
        assertField("colour", CAMPAIGN.replace("{\"id\"", "{\"colour\":\"red\",\"id\""));
        assertField("end", CAMPAIGN.replace("\"tier\"", "\"end\":\"2026-02-01T00:00:00Z\",\"tier\""));
        assertField("id", CAMPAIGN.replace("\"k1\"", "\"k 1\""));
        assertField("body", "[1,2]");
        FieldException nested = assertThrows(FieldException.class,
                () -> AdJson.slot(AdJson.read("{\"id\":\"s\",\"format\":\"banner\",\"reserveCpm\":-1}"), "slots[2]"));
        assertEquals("slots[2].reserveCpm", nested.field());
        FieldException size = assertThrows(FieldException.class,
                () -> AdJson.slot(AdJson.read("{\"id\":\"s\",\"format\":\"banner\",\"size\":\"big\"}"), ""));
        assertEquals("size", size.field());
        FieldException url = assertThrows(FieldException.class, () -> AdJson.creative(AdJson.read(
                "{\"id\":\"c\",\"campaign\":\"k\",\"format\":\"banner\",\"headline\":\"h\",\"landingUrl\":\"javascript:x\"}"),
                ""));
        assertEquals("landingUrl", url.field());
        Slot slot = AdJson.slot(AdJson.read("{\"id\":\"s\",\"format\":\"Banner\"}"), "");
        assertEquals("banner", slot.format());
        assertEquals(1, slot.maxAdsPerPage());
    }

    private static void assertField(String field, String json) {
        FieldException e = assertThrows(FieldException.class, () -> AdJson.campaign(AdJson.read(json), ""));
        assertEquals(field, e.field(), e.getMessage());
    }
}
