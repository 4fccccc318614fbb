package dev.rialto.ads.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.ads.internal.rules.JsonRules;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdStatus;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.FrequencyCap;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.ads.Tier;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The V3 migration and the store on H2, in regular and PostgreSQL mode (the SQL must be portable). */
class JdbcAdStoreTest {
    static final Path V3 = Path.of("../dev.rialto.store.jdbc/src/main/resources/dev/rialto/store/jdbc/migration/"
            + "V3__ads.sql");

    static JdbcDataSource migrated(String mode) throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:ads-" + mode + System.nanoTime() + ";DB_CLOSE_DELAY=-1" + (mode.isEmpty() ? ""
                : ";MODE=" + mode));
        String sql = Files.readString(V3).replaceAll("(?m)^--.*$", "");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement.replaceAll("--[^\n]*", ""));
                }
            }
        }
        return ds;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "PostgreSQL"})
    void entitiesRoundTripAndDeliveryFeedsSpendCountsAndCaps(String mode) throws Exception {
        JdbcAdStore store = new JdbcAdStore(migrated(mode));
        store.save(new Advertiser("adv", "Advertiser", AdStatus.ACTIVE));
        AdCampaign campaign = new AdCampaign("k1", "adv", "Spring", AdStatus.ACTIVE,
                Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-04-01T00:00:00Z"), new BigDecimal("1000"),
                new BigDecimal("50.5"), BidType.CPC, new BigDecimal("0.35"), Tier.CONTRACT,
                JsonRules.parse("{\"all\":[{\"context\":\"country\",\"values\":[\"DE\"]},{\"segment\":\"vip\"}]}"),
                List.of(new FrequencyCap(FrequencyCap.Scope.CAMPAIGN, 3, Duration.ofDays(1)),
                        new FrequencyCap(FrequencyCap.Scope.SESSION, 1, null)),
                Set.of("airline", "travel"), PacingMode.EVEN);
        store.save(campaign);
        Creative creative = new Creative("c1", "k1", "banner", "300x250", "Fly", "Cheap", "https://img/1.png",
                "https://example.com", List.of("i1", "i2"), AdStatus.ACTIVE);
        store.save(creative);
        Slot slot = new Slot("top", "Top", "banner", "300x250", new BigDecimal("0.5"), "home", 2);
        store.save(slot);

        List<AdCampaign> campaigns = store.campaigns();
        assertEquals(1, campaigns.size());
        AdCampaign read = campaigns.get(0);
        assertEquals(campaign.targeting(), read.targeting());
        assertEquals(campaign.caps(), read.caps());
        assertEquals(campaign.competitiveLabels(), read.competitiveLabels());
        assertEquals(0, campaign.bid().compareTo(read.bid()));
        assertEquals(campaign.start(), read.start());
        assertEquals(campaign.end(), read.end());
        assertEquals(List.of(creative), store.creatives());
        assertEquals(0, slot.reserveCpm().compareTo(store.slots().get(0).reserveCpm()));

        // Update replaces.
        store.save(new Advertiser("adv", "Renamed", AdStatus.PAUSED));
        assertEquals(List.of(new Advertiser("adv", "Renamed", AdStatus.PAUSED)), store.advertisers());

        LocalDate day = LocalDate.of(2026, 3, 2);
        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        store.log(new Delivery("d1:impression", Delivery.Kind.IMPRESSION, "d1", "k1", "c1", "top", "u1", "s1", 0, t),
                day);
        store.log(new Delivery("d1:click", Delivery.Kind.CLICK, "d1", "k1", "c1", "top", "u1", "s1", 0.35, t), day);
        store.log(new Delivery("d2:impression", Delivery.Kind.IMPRESSION, "d2", "k1", "c1", "top", "u1", null, 0,
                t.plusSeconds(60)), day);
        assertEquals(2, store.impressionsSince("u1", t).size());
        assertEquals(1, store.impressionsSince("u1", t.plusSeconds(1)).size());
        assertEquals("s1", store.impressionsSince("u1", t).get(0).sessionId());
        assertEquals(0, store.impressionsSince("u2", t).size());
        assertEquals(List.of("d1:click"), store.clicksSince("u1", t).stream().map(Delivery::id).toList());
        store.log(new Delivery("p1:conversion", Delivery.Kind.CONVERSION, "d1", "k1", "c1", "top", "u1", "s1", 2.5,
                t.plusSeconds(120)), day);
        long[] counts = store.countsByCreative().get("c1");
        assertEquals(2, counts[0]);
        assertEquals(1, counts[1]);
        assertEquals(1, counts[2]);
        Totals today = store.spendOn(day).get("k1");
        assertEquals(new Totals(2, 1, 1, 2.85), today);
        assertEquals(today, store.spendTotal().get("k1"));
        assertTrue(store.spendOn(day.plusDays(1)).isEmpty());

        // References hold: a creative's campaign cannot go while the creative exists.
        assertThrows(JdbcAdStore.AdStoreException.class, () -> store.delete("campaign", "k1"));
        assertTrue(store.delete("creative", "c1"));
        assertTrue(store.delete("campaign", "k1"));
        assertEquals(List.of(), store.campaigns());
    }
}
