package dev.rialto.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventType;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoGeneratorTest {

    private static final Instant REFERENCE = Instant.parse("2025-06-01T00:00:00Z");

    /** The default configuration, generated once for the whole class. */
    private static DemoData data;

    @BeforeAll
    static void generateDefault() {
        data = new DemoGenerator(DemoSettings.defaults(REFERENCE)).generate();
    }

    @Test
    void vocabularyHasTwentyCategoriesOfTwoToFiveSubCategories() {
        List<Vocabulary.Top> tops = Vocabulary.tops();
        assertTrue(tops.size() >= 20, "top-level categories: " + tops.size());
        for (Vocabulary.Top top : tops) {
            assertTrue(top.subs().size() >= 2 && top.subs().size() <= 5, top.name());
            assertTrue(top.brands().size() >= 5, top.name());
        }
        assertTrue(Vocabulary.subCount() <= DemoSettings.MIN_ITEMS, "every sub-category must get an item");
    }

    @Test
    void defaultConfigurationHasTheAdvertisedSize() {
        assertTrue(data.items().size() >= 2000, "items: " + data.items().size());
        assertTrue(data.users().size() >= 1000, "users: " + data.users().size());
        assertTrue(data.events().size() >= 100_000, "events: " + data.events().size());

        Set<String> tops = data.items().stream().map(i -> i.category().split(" > ")[0]).collect(Collectors.toSet());
        assertTrue(tops.size() >= 20, "categories used: " + tops.size());
        Set<String> paths = data.items().stream().map(DemoItem::category).collect(Collectors.toSet());
        assertEquals(Vocabulary.subCount(), paths.size(), "every sub-category has items");

        long unavailable = data.items().stream().filter(i -> !i.available()).count();
        double share = unavailable / (double) data.items().size();
        assertTrue(share > 0.02 && share < 0.09, "unavailable share " + share);

        assertEquals(data.items().size(), data.items().stream().map(DemoItem::title).distinct().count(),
                "titles are unique");
    }

    @Test
    void pricesComeFromTheSubCategoryRange() {
        Map<String, Vocabulary.Sub> subs = new HashMap<>();
        for (Vocabulary.Top top : Vocabulary.tops()) {
            for (Vocabulary.Sub sub : top.subs()) {
                subs.put(top.name() + " > " + sub.name(), sub);
            }
        }
        for (DemoItem item : data.items()) {
            Vocabulary.Sub sub = subs.get(item.category());
            double price = item.price().doubleValue();
            assertEquals(2, item.price().scale(), item.id());
            assertTrue(price >= sub.minPrice() * 0.8 - 0.5 && price <= sub.maxPrice() * 1.05, item + " " + sub);
        }
        // Laptops cost more than pens: the ranges are category-specific.
        assertTrue(averagePrice("Computers > Laptops") > 10 * averagePrice("Stationery and Office > Pens"));
    }

    private static double averagePrice(String category) {
        return data.items().stream().filter(i -> i.category().equals(category))
                .mapToDouble(i -> i.price().doubleValue()).average().orElseThrow();
    }

    @Test
    void everyEventReferencesAKnownUserAndItemWithinTheWindow() {
        Set<String> items = data.items().stream().map(DemoItem::id).collect(Collectors.toSet());
        Set<String> users = data.users().stream().map(DemoUser::id).collect(Collectors.toSet());
        Instant from = REFERENCE.minus(Duration.ofDays(DemoSettings.DAYS));
        Instant previous = Instant.MIN;
        Map<EventType, Integer> counts = new EnumMap<>(EventType.class);
        for (DemoEvent event : data.events()) {
            assertTrue(users.contains(event.user()), event.toString());
            if (event.type() == EventType.SEARCH) {
                assertNull(event.item());
                assertNotNull(event.query());
            } else {
                assertTrue(items.contains(event.item()), event.toString());
            }
            assertFalse(event.timestamp().isBefore(from), event.toString());
            assertTrue(event.timestamp().isBefore(REFERENCE), event.toString());
            assertFalse(event.timestamp().isBefore(previous), "events are in time order");
            previous = event.timestamp();
            counts.merge(event.type(), 1, Integer::sum);
        }
        assertEquals(Set.of(EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE,
                EventType.SEARCH), counts.keySet());
        int views = counts.get(EventType.VIEW);
        int carts = counts.get(EventType.ADD_TO_CART);
        int purchases = counts.get(EventType.PURCHASE);
        double cartRate = carts / (double) views;
        double purchaseRate = purchases / (double) carts;
        assertTrue(cartRate > 0.04 && cartRate < 0.2, "view to cart " + cartRate);
        assertTrue(purchaseRate > 0.35 && purchaseRate < 0.75, "cart to purchase " + purchaseRate);
        assertTrue(purchases > 2000, "purchases " + purchases);
    }

    @Test
    void usersRebuyConsumables() {
        Map<String, Integer> bought = new HashMap<>();
        for (DemoEvent event : data.events()) {
            if (event.type() == EventType.PURCHASE) {
                bought.merge(event.user() + "/" + event.item(), 1, Integer::sum);
            }
        }
        long repeated = bought.values().stream().filter(n -> n > 1).count();
        assertTrue(repeated > 100, "repeat purchases: " + repeated);
    }

    @Test
    void theFirstTenUsersHaveAStrongTasteTheirPurchasesFollow() {
        Map<String, DemoItem> items = data.items().stream().collect(Collectors.toMap(DemoItem::id, i -> i));
        Set<Integer> favourites = new HashSet<>();
        for (int u = 0; u < DemoGenerator.FIXED_STRONG_USERS; u++) {
            DemoUser user = data.users().get(u);
            assertEquals(String.format("u%04d", u + 1), user.id());
            assertTrue(user.strongTaste());
            assertTrue(user.preference()[user.favourite()] >= 0.8);
            favourites.add(user.favourite());
            int total = 0;
            int inFavourite = 0;
            for (DemoEvent event : data.events()) {
                if (event.type() == EventType.PURCHASE && event.user().equals(user.id())) {
                    total++;
                    if (items.get(event.item()).top() == user.favourite()) {
                        inFavourite++;
                    }
                }
            }
            assertTrue(total >= 5, user.id() + " purchases " + total);
            assertTrue(inFavourite >= 0.7 * total, user.id() + ": " + inFavourite + " of " + total);
        }
        assertEquals(DemoGenerator.FIXED_STRONG_USERS, favourites.size(), "different favourites");
        long strong = data.users().stream().filter(DemoUser::strongTaste).count();
        long concentrated = data.users().stream().filter(u -> top3Share(u) >= 0.7).count();
        assertTrue(strong > 20 && strong < data.users().size() / 2, "strong-taste users " + strong);
        assertTrue(concentrated > data.users().size() * 0.8, "users concentrated on 1-3 categories");
    }

    private static double top3Share(DemoUser user) {
        double[] sorted = user.preference().clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length - 1] + sorted[sorted.length - 2] + sorted[sorted.length - 3];
    }

    @Test
    void csvParsesBackWithCommonsCsvIntoApiRecords() throws IOException {
        List<CSVRecord> items = parse(DemoCsv::writeItems, data.items(), DemoCsv.ITEM_HEADER);
        assertEquals(data.items().size(), items.size());
        boolean sawComma = false;
        for (int i = 0; i < items.size(); i++) {
            CSVRecord row = items.get(i);
            DemoItem expected = data.items().get(i);
            Item item = new Item(row.get("id"), row.get("title"), row.get("description"), row.get("category"),
                    new BigDecimal(row.get("price")), row.get("currency"), Boolean.parseBoolean(row.get("available")),
                    row.get("language"), Map.of("brand", row.get("brand")));
            assertEquals(expected.description(), item.description());
            assertEquals(expected.price(), item.price());
            assertEquals(expected.category(), item.category());
            assertEquals("GBP", item.currency());
            sawComma |= item.description().contains(",");
        }
        assertTrue(sawComma, "descriptions with commas are quoted and survive");

        List<CSVRecord> profiles = parse(DemoCsv::writeProfiles, data.users(), DemoCsv.PROFILE_HEADER);
        assertEquals(data.users().size(), profiles.size());
        Set<String> categoryNames = Vocabulary.tops().stream().map(Vocabulary.Top::name).collect(Collectors.toSet());
        for (int u = 0; u < profiles.size(); u++) {
            assertTrue(categoryNames.contains(profiles.get(u).get("favourite_category")));
        }
        assertEquals(Vocabulary.tops().get(0).name(), profiles.get(0).get("favourite_category"));
        assertEquals("true", profiles.get(0).get("strong_taste"));

        List<CSVRecord> events = parse(DemoCsv::writeEvents, data.events(), DemoCsv.EVENT_HEADER);
        assertEquals(data.events().size(), events.size());
        Set<String> ids = new HashSet<>();
        for (CSVRecord row : events) {
            Event event = new Event(row.get("id"), EventType.parse(row.get("type")), row.get("user"),
                    row.get("item"), Integer.parseInt(row.get("quantity")), Instant.parse(row.get("timestamp")),
                    row.get("query"));
            assertTrue(ids.add(event.id()), "unique event ids");
        }
    }

    private static <T> List<CSVRecord> parse(BiConsumer<List<T>, StringWriter> writer, List<T> rows,
            List<String> header) throws IOException {
        StringWriter out = new StringWriter();
        writer.accept(rows, out);
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser parser = CSVParser.parse(new StringReader(out.toString()), format)) {
            assertEquals(header, parser.getHeaderNames());
            return parser.getRecords();
        }
    }

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() {
        DemoSettings small = new DemoSettings(7, 200, 300, 8000, REFERENCE);
        String first = csv(new DemoGenerator(small).generate());
        String second = csv(new DemoGenerator(small).generate());
        String other = csv(new DemoGenerator(new DemoSettings(8, 200, 300, 8000, REFERENCE)).generate());
        assertEquals(first, second);
        assertNotEquals(first, other);
    }

    @Test
    void smallConfigurationIsHonoured() {
        DemoData small = new DemoGenerator(new DemoSettings(1, 50, 120, 3000, REFERENCE)).generate();
        assertEquals(120, small.items().size());
        assertEquals(50, small.users().size());
        assertTrue(small.events().size() >= 3000 && small.events().size() < 3300, "events " + small.events().size());
        assertEquals(Vocabulary.subCount(), small.items().stream().map(DemoItem::category).distinct().count());
    }

    @Test
    void csvQuotingFollowsRfc4180() {
        assertEquals("plain", DemoCsv.quote("plain"));
        assertEquals("\"a, b\"", DemoCsv.quote("a, b"));
        assertEquals("\"say \"\"hi\"\"\"", DemoCsv.quote("say \"hi\""));
        assertEquals("\"two\nlines\"", DemoCsv.quote("two\nlines"));
        assertEquals("", DemoCsv.quote(null));
    }

    private static String csv(DemoData data) {
        StringWriter out = new StringWriter();
        DemoCsv.writeItems(data.items(), out);
        DemoCsv.writeProfiles(data.users(), out);
        DemoCsv.writeEvents(data.events(), out);
        return out.toString();
    }
}
