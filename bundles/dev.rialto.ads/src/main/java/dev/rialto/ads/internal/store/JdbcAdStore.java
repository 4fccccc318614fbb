package dev.rialto.ads.internal.store;

import dev.rialto.ads.internal.json.CapsJson;
import dev.rialto.ads.internal.rules.JsonRules;
import dev.rialto.api.ads.AdCampaign;
import dev.rialto.api.ads.AdStatus;
import dev.rialto.api.ads.Advertiser;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.Creative;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.Slot;
import dev.rialto.api.ads.Tier;
import dev.rialto.api.common.RialtoException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The ad tables of migration V3 on the store's DataSource. Upserts are UPDATE-then-INSERT so that the SQL is the
 * same on H2 and PostgreSQL; writes are serialised in this class (one node owns its counters).
 */
public final class JdbcAdStore implements AdStore {
    private final DataSource dataSource;

    public JdbcAdStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A failed store call, with the SQL state. */
    public static final class AdStoreException extends RialtoException {
        private static final long serialVersionUID = 1L;

        AdStoreException(String message, SQLException cause) {
            super(message + ": " + cause.getMessage() + " (SQL state " + cause.getSQLState() + ")", cause);
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new AdStoreException(what + " failed", e);
        }
    }

    private static Object ts(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    private static List<String> split(String text) {
        return text == null || text.isEmpty() ? List.of() : Arrays.asList(text.split(","));
    }

    /** Runs the update; when it touched no row, the insert. Both take the same parameters. */
    private static void upsert(Connection c, String update, String insert, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(update)) {
            bind(ps, params);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            bind(ps, params);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    @Override
    public List<Advertiser> advertisers() {
        return inTransaction("Reading advertisers", c -> {
            List<Advertiser> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, status FROM ad_advertisers ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Advertiser(rs.getString(1), rs.getString(2), AdStatus.parse(rs.getString(3))));
                }
            }
            return out;
        });
    }

    @Override
    public List<AdCampaign> campaigns() {
        return inTransaction("Reading campaigns", c -> {
            List<AdCampaign> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, advertiser_id, name, status, flight_start,"
                    + " flight_end, total_budget, daily_budget, bid_type, bid, tier, targeting, caps, labels, pacing"
                    + " FROM ad_campaigns ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String targeting = rs.getString("targeting");
                    out.add(new AdCampaign(rs.getString("id"), rs.getString("advertiser_id"), rs.getString("name"),
                            AdStatus.parse(rs.getString("status")), instant(rs, "flight_start"),
                            instant(rs, "flight_end"), rs.getBigDecimal("total_budget"),
                            rs.getBigDecimal("daily_budget"), BidType.parse(rs.getString("bid_type")),
                            rs.getBigDecimal("bid"), Tier.parse(rs.getString("tier")),
                            targeting == null ? null : JsonRules.parse(targeting),
                            CapsJson.parse(rs.getString("caps")), new HashSet<>(split(rs.getString("labels"))),
                            PacingMode.parse(rs.getString("pacing"))));
                }
            }
            return out;
        });
    }

    @Override
    public List<Creative> creatives() {
        return inTransaction("Reading creatives", c -> {
            List<Creative> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, campaign_id, ad_format, ad_size, headline, body,"
                    + " image_url, landing_url, item_ids, status FROM ad_creatives ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Creative(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            split(rs.getString(9)), AdStatus.parse(rs.getString(10))));
                }
            }
            return out;
        });
    }

    @Override
    public List<Slot> slots() {
        return inTransaction("Reading slots", c -> {
            List<Slot> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, ad_format, ad_size, reserve_cpm, page_type,"
                    + " max_ads_per_page FROM ad_slots ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Slot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBigDecimal(5), rs.getString(6), rs.getInt(7)));
                }
            }
            return out;
        });
    }

    @Override
    public synchronized void save(Advertiser a) {
        inTransaction("Saving advertiser " + a.id(), c -> {
            upsert(c, "UPDATE ad_advertisers SET name = ?, status = ?, updated_at = ? WHERE id = ?",
                    "INSERT INTO ad_advertisers (name, status, updated_at, id) VALUES (?, ?, ?, ?)",
                    a.name(), a.status().name(), ts(Instant.now()), a.id());
            return null;
        });
    }

    @Override
    public synchronized void save(AdCampaign k) {
        inTransaction("Saving campaign " + k.id(), c -> {
            upsert(c, "UPDATE ad_campaigns SET advertiser_id = ?, name = ?, status = ?, flight_start = ?,"
                    + " flight_end = ?, total_budget = ?, daily_budget = ?, bid_type = ?, bid = ?, tier = ?,"
                    + " targeting = ?, caps = ?, labels = ?, pacing = ?, updated_at = ? WHERE id = ?",
                    "INSERT INTO ad_campaigns (advertiser_id, name, status, flight_start, flight_end, total_budget,"
                    + " daily_budget, bid_type, bid, tier, targeting, caps, labels, pacing, updated_at, id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    k.advertiserId(), k.name(), k.status().name(), ts(k.start()), ts(k.end()), k.totalBudget(),
                    k.dailyBudget(), k.bidType().name(), k.bid(), k.tier().name(),
                    k.targeting() == null ? null : JsonRules.toJson(k.targeting()), CapsJson.toJson(k.caps()),
                    String.join(",", k.competitiveLabels().stream().sorted().toList()), k.pacing().name(),
                    ts(Instant.now()), k.id());
            return null;
        });
    }

    @Override
    public synchronized void save(Creative k) {
        inTransaction("Saving creative " + k.id(), c -> {
            upsert(c, "UPDATE ad_creatives SET campaign_id = ?, ad_format = ?, ad_size = ?, headline = ?, body = ?,"
                    + " image_url = ?, landing_url = ?, item_ids = ?, status = ?, updated_at = ? WHERE id = ?",
                    "INSERT INTO ad_creatives (campaign_id, ad_format, ad_size, headline, body, image_url, landing_url,"
                    + " item_ids, status, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    k.campaignId(), k.format(), k.size(), k.headline(), k.body(), k.imageUrl(), k.landingUrl(),
                    String.join(",", k.itemIds()), k.status().name(), ts(Instant.now()), k.id());
            return null;
        });
    }

    @Override
    public synchronized void save(Slot s) {
        inTransaction("Saving slot " + s.id(), c -> {
            upsert(c, "UPDATE ad_slots SET name = ?, ad_format = ?, ad_size = ?, reserve_cpm = ?, page_type = ?,"
                    + " max_ads_per_page = ?, updated_at = ? WHERE id = ?",
                    "INSERT INTO ad_slots (name, ad_format, ad_size, reserve_cpm, page_type, max_ads_per_page,"
                    + " updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    s.name(), s.format(), s.size(), s.reserveCpm(), s.page(), s.maxAdsPerPage(), ts(Instant.now()),
                    s.id());
            return null;
        });
    }

    @Override
    public synchronized boolean delete(String kind, String id) {
        String table = switch (kind) {
            case "advertiser" -> "ad_advertisers";
            case "campaign" -> "ad_campaigns";
            case "creative" -> "ad_creatives";
            case "slot" -> "ad_slots";
            default -> throw new IllegalArgumentException("kind '" + kind + "' is not one of advertiser, campaign,"
                    + " creative, slot");
        };
        return inTransaction("Deleting " + kind + " " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public synchronized void log(Delivery d, LocalDate day) {
        inTransaction("Logging " + d.kind().wireName() + " of decision " + d.decisionId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ad_deliveries (id, kind, decision_id,"
                    + " campaign_id, creative_id, slot_id, user_id, session_id, price, ts)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(ps, d.id(), d.kind().name(), d.decisionId(), d.campaignId(), d.creativeId(), d.slotId(),
                        d.userId(), d.sessionId(), BigDecimal.valueOf(d.price()), ts(d.at()));
                ps.executeUpdate();
            }
            Totals t = Totals.of(d);
            upsert(c, "UPDATE ad_spend SET impressions = impressions + ?, clicks = clicks + ?,"
                    + " conversions = conversions + ?, spend = spend + ? WHERE campaign_id = ? AND spend_day = ?",
                    "INSERT INTO ad_spend (impressions, clicks, conversions, spend, campaign_id, spend_day)"
                    + " VALUES (?, ?, ?, ?, ?, ?)",
                    t.impressions(), t.clicks(), t.conversions(), BigDecimal.valueOf(d.price()), d.campaignId(), day);
            return null;
        });
    }

    @Override
    public List<Delivery> impressionsSince(String userId, Instant since) {
        return deliveriesSince(userId, since, Delivery.Kind.IMPRESSION);
    }

    @Override
    public List<Delivery> clicksSince(String userId, Instant since) {
        return deliveriesSince(userId, since, Delivery.Kind.CLICK);
    }

    private List<Delivery> deliveriesSince(String userId, Instant since, Delivery.Kind kind) {
        return inTransaction("Reading " + kind.wireName() + "s", c -> {
            List<Delivery> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, decision_id, campaign_id, creative_id, slot_id,"
                    + " session_id, price, ts FROM ad_deliveries WHERE user_id = ? AND ts >= ? AND kind = ?"
                    + " ORDER BY ts")) {
                bind(ps, userId, ts(since), kind.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Delivery(rs.getString(1), kind, rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), userId, rs.getString(6),
                                rs.getBigDecimal(7).doubleValue(), instant(rs, "ts")));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Map<String, long[]> countsByCreative() {
        return inTransaction("Reading delivery counts", c -> {
            Map<String, long[]> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT creative_id, kind, COUNT(*) FROM ad_deliveries GROUP BY creative_id, kind");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] counts = out.computeIfAbsent(rs.getString(1), k -> new long[Delivery.Kind.values().length]);
                    counts[Delivery.Kind.valueOf(rs.getString(2)).ordinal()] += rs.getLong(3);
                }
            }
            return out;
        });
    }

    @Override
    public Map<String, Totals> spendOn(LocalDate day) {
        return spend("SELECT campaign_id, SUM(impressions), SUM(clicks), SUM(conversions), SUM(spend) FROM ad_spend"
                + " WHERE spend_day = ? GROUP BY campaign_id", day);
    }

    @Override
    public Map<String, Totals> spendTotal() {
        return spend("SELECT campaign_id, SUM(impressions), SUM(clicks), SUM(conversions), SUM(spend) FROM ad_spend"
                + " GROUP BY campaign_id", null);
    }

    private Map<String, Totals> spend(String sql, LocalDate day) {
        return inTransaction("Reading spend", c -> {
            Map<String, Totals> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (day != null) {
                    ps.setObject(1, day);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Totals(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getBigDecimal(5).doubleValue()));
                    }
                }
            }
            return out;
        });
    }
}
