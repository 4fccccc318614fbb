package dev.rialto.demo.internal;

import dev.rialto.api.events.EventType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Generates a demo shop: items with text composed from {@link Vocabulary}, users with latent tastes, and sessions of
 * events whose choices follow those tastes.
 *
 * <p>Deterministic: one {@link Random} (whose algorithm the JDK specifies) drives every choice in a fixed order,
 * {@link StrictMath} does the arithmetic, and nothing iterates a hash container. The same settings give the same
 * data on every JVM.
 */
final class DemoGenerator {

    /** Users who hold at least this share of their preference in one category have a strong taste. */
    static final double STRONG_TASTE = 0.8;
    /** The first users are strong-taste users, so that tests and demos can check recommendations against them. */
    static final int FIXED_STRONG_USERS = 10;

    private static final int PRICE_BUCKETS = 5;
    private static final double POPULARITY_EXPONENT = 1.1;
    private static final double EVENTS_PER_SESSION_ESTIMATE = 4.5;
    private static final double[] HOUR_WEIGHTS = {
        0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 1.8, 1.9, 2.0,
        2.6, 2.5, 2.0, 1.9, 2.0, 2.3, 2.8, 3.4, 3.8, 3.5, 2.4, 1.1};
    private static final String[] COUNTRIES = {"GB", "IE", "FR", "DE", "NL", "ES"};
    private static final double[] COUNTRY_WEIGHTS = {70, 8, 6, 6, 5, 5};
    private static final String[] AGE_BANDS = {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"};
    private static final double[] AGE_WEIGHTS = {14, 26, 22, 17, 12, 9};

    private final DemoSettings settings;
    private final List<Vocabulary.Top> tops = Vocabulary.tops();
    private final Random random;

    DemoGenerator(DemoSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    DemoData generate() {
        List<DemoItem> items = items();
        List<DemoUser> users = users();
        List<DemoEvent> events = new Sessions(items, users).run();
        return new DemoData(items, users, events);
    }

    // ---------------------------------------------------------------- items

    private List<DemoItem> items() {
        int n = settings.items();
        // Every sub-category gets an item first; the rest go to categories of random size.
        List<int[]> slots = new ArrayList<>(n);
        for (int t = 0; t < tops.size(); t++) {
            for (int s = 0; s < tops.get(t).subs().size(); s++) {
                slots.add(new int[] {t, s});
            }
        }
        double[] topWeights = new double[tops.size()];
        for (int t = 0; t < topWeights.length; t++) {
            topWeights[t] = 0.6 + 0.8 * random.nextDouble();
        }
        double[] topCumulative = cumulative(topWeights);
        while (slots.size() < n) {
            int t = sample(topCumulative);
            slots.add(new int[] {t, random.nextInt(tops.get(t).subs().size())});
        }
        Collections.shuffle(slots, random);

        // Popularity: a power law over a random rank within the top-level category.
        double[] popularity = new double[n];
        for (int t = 0; t < tops.size(); t++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (slots.get(i)[0] == t) {
                    members.add(i);
                }
            }
            Collections.shuffle(members, random);
            for (int rank = 0; rank < members.size(); rank++) {
                popularity[members.get(rank)] = 1.0 / StrictMath.pow(rank + 1, POPULARITY_EXPONENT);
            }
        }

        int width = Math.max(5, String.valueOf(n).length());
        Set<String> titles = new HashSet<>();
        List<DemoItem> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int t = slots.get(i)[0];
            int s = slots.get(i)[1];
            Vocabulary.Top top = tops.get(t);
            Vocabulary.Sub sub = top.subs().get(s);
            String brand = pick(top.brands());
            String noun = pick(sub.nouns());
            String adjective = pick(top.adjectives());
            for (int tries = 0; tries < 10 && noun.contains(adjective); tries++) {
                adjective = pick(top.adjectives()); // no "Wireless Wireless Controller"
            }
            String material = pick(top.materials());
            String colour = top.colours() && random.nextDouble() < 0.5 ? pick(Vocabulary.COLOURS) : null;
            String title;
            do {
                title = brand + " " + titleCase(adjective) + " " + titleCase(noun) + " " + modelCode(brand)
                        + (colour == null ? "" : ", " + titleCase(colour));
            } while (!titles.add(title));
            double position = random.nextDouble();
            BigDecimal price = price(sub.minPrice(), sub.maxPrice(), position);
            boolean available = random.nextDouble() >= 0.05;
            String description = describe(top, brand, adjective, noun, material, colour);
            items.add(new DemoItem(id("i", i + 1, width), title, description,
                    top.name() + " > " + sub.name(), price, available, brand, t, s, position, popularity[i]));
        }
        return List.copyOf(items);
    }

    private String modelCode(String brand) {
        StringBuilder code = new StringBuilder();
        for (String word : brand.split(" ")) {
            if (!word.isEmpty() && Character.isUpperCase(word.charAt(0)) && code.length() < 2) {
                code.append(word.charAt(0));
            }
        }
        if (code.length() < 2) {
            code.append(Character.toUpperCase(brand.charAt(1)));
        }
        return code + "-" + (100 + random.nextInt(900));
    }

    /** Log-uniform in the range, rounded to a shop price ending in 9. */
    private static BigDecimal price(double min, double max, double position) {
        double raw = min * StrictMath.pow(max / min, position);
        BigDecimal value;
        if (raw < 10) {
            value = BigDecimal.valueOf(StrictMath.round(raw * 2) / 2.0).subtract(new BigDecimal("0.01"));
        } else if (raw < 100) {
            value = BigDecimal.valueOf(StrictMath.round(raw)).subtract(new BigDecimal("0.01"));
        } else {
            value = BigDecimal.valueOf(StrictMath.round(raw / 5) * 5L).subtract(new BigDecimal("0.01"));
        }
        if (value.signum() <= 0) {
            value = new BigDecimal("0.99");
        }
        return value.setScale(2, RoundingMode.UNNECESSARY);
    }

    private String describe(Vocabulary.Top top, String brand, String adjective, String noun, String material,
            String colour) {
        List<String> features = new ArrayList<>(top.features());
        Collections.shuffle(features, random);
        String f1 = features.get(0);
        String f2 = features.get(1);
        String f3 = features.get(2);
        String use = pick(top.uses());
        String made = top.made();
        boolean plural = plural(noun);
        String text = switch (random.nextInt(4)) {
            case 0 -> brand + " " + adjective + " " + noun + " " + made + " " + material + ", with " + f1 + " and "
                    + f2 + ". Ideal for " + use + ".";
            case 1 -> (plural ? capitalise(adjective) : capitalise(article(adjective)) + " " + adjective) + " " + noun
                    + " " + made + " " + material + ". " + (plural ? "They come" : "It comes") + " with " + f1 + ", "
                    + f2 + " and " + f3 + ", and " + (plural ? "are" : "is") + " a great choice for " + use + ".";
            case 2 -> "Designed for " + use + ", " + (plural ? "these " : "this ") + adjective + " " + noun + " from "
                    + brand + (plural ? " combine " : " combines ") + f1 + " with " + f2 + ".";
            default -> "The " + brand + " " + noun + (plural ? " are " : " is ") + adjective + " and " + made + " "
                    + material + ". Key features: " + f1 + ", " + f2 + " and " + f3 + ". Perfect for " + use + ".";
        };
        return colour == null ? text : text + " Colour: " + colour + ".";
    }

    // ---------------------------------------------------------------- users

    private List<DemoUser> users() {
        int n = settings.users();
        int categories = tops.size();
        double[] countries = cumulative(COUNTRY_WEIGHTS);
        double[] ages = cumulative(AGE_WEIGHTS);
        int width = Math.max(4, String.valueOf(n).length());
        List<DemoUser> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] preference = new double[categories];
            boolean designatedStrong = i < FIXED_STRONG_USERS || random.nextDouble() < 0.05;
            if (designatedStrong) {
                int favourite = i < FIXED_STRONG_USERS ? i % categories : random.nextInt(categories);
                int second = (favourite + 1 + random.nextInt(categories - 1)) % categories;
                Arrays.fill(preference, 0.04 / categories);
                preference[favourite] += 0.86;
                preference[second] += 0.10;
            } else {
                // Dirichlet-like: one to three main categories with Gamma(2) weights, plus a thin background.
                double r = random.nextDouble();
                int main = r < 0.35 ? 1 : r < 0.75 ? 2 : 3;
                Arrays.fill(preference, 0.22 / categories);
                List<Integer> order = new ArrayList<>();
                for (int t = 0; t < categories; t++) {
                    order.add(t);
                }
                Collections.shuffle(order, random);
                double[] weights = new double[main];
                double sum = 0;
                for (int k = 0; k < main; k++) {
                    weights[k] = -StrictMath.log(1 - random.nextDouble()) - StrictMath.log(1 - random.nextDouble());
                    sum += weights[k];
                }
                for (int k = 0; k < main; k++) {
                    preference[order.get(k)] += 0.78 * weights[k] / sum;
                }
            }
            normalise(preference);
            int favourite = 0;
            for (int t = 1; t < categories; t++) {
                if (preference[t] > preference[favourite]) {
                    favourite = t;
                }
            }
            double sensitivity = (random.nextDouble() + random.nextDouble()) / 2;
            double activity = StrictMath.exp(0.8 * random.nextGaussian());
            if (i < FIXED_STRONG_USERS) {
                activity = Math.max(activity, 4.0);
            }
            String country = COUNTRIES[sample(countries)];
            String age = AGE_BANDS[sample(ages)];
            users.add(new DemoUser(id("u", i + 1, width), preference, favourite,
                    preference[favourite] >= STRONG_TASTE, sensitivity, activity, country, age));
        }
        return List.copyOf(users);
    }

    // ---------------------------------------------------------------- sessions

    /** Simulates sessions in time order until the requested number of events is reached. */
    private final class Sessions {
        private final List<DemoItem> items;
        private final List<DemoUser> users;
        private final int[] subOffset;
        /** Per (top, price bucket): item indices and their cumulative weights. */
        private final int[][] topItems;
        private final double[][] topCumulative;
        /** Per (global sub index, price bucket). */
        private final int[][] subItems;
        private final double[][] subCumulative;
        private final double[] userCumulative;
        private final double[] hourCumulative = cumulative(HOUR_WEIGHTS);
        /** Per user: purchases so far as (epoch second, item index) pairs. */
        private final List<List<long[]>> purchases;

        Sessions(List<DemoItem> items, List<DemoUser> users) {
            this.items = items;
            this.users = users;
            subOffset = new int[tops.size()];
            int subs = 0;
            for (int t = 0; t < tops.size(); t++) {
                subOffset[t] = subs;
                subs += tops.get(t).subs().size();
            }
            topItems = new int[tops.size() * PRICE_BUCKETS][];
            topCumulative = new double[topItems.length][];
            subItems = new int[subs * PRICE_BUCKETS][];
            subCumulative = new double[subItems.length][];
            for (int b = 0; b < PRICE_BUCKETS; b++) {
                double target = 1 - (b + 0.5) / PRICE_BUCKETS;
                for (int t = 0; t < tops.size(); t++) {
                    final int top = t;
                    index(topItems, topCumulative, t * PRICE_BUCKETS + b, item -> item.top() == top, target);
                }
                for (int t = 0; t < tops.size(); t++) {
                    for (int s = 0; s < tops.get(t).subs().size(); s++) {
                        final int top = t;
                        final int sub = s;
                        index(subItems, subCumulative, (subOffset[t] + s) * PRICE_BUCKETS + b,
                                item -> item.top() == top && item.sub() == sub, target);
                    }
                }
            }
            double[] activity = new double[users.size()];
            for (int u = 0; u < activity.length; u++) {
                activity[u] = users.get(u).activity();
            }
            userCumulative = cumulative(activity);
            purchases = new ArrayList<>(users.size());
            for (int u = 0; u < users.size(); u++) {
                purchases.add(new ArrayList<>());
            }
        }

        private void index(int[][] indices, double[][] cumulatives, int slot,
                Predicate<DemoItem> member, double target) {
            List<Integer> chosen = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if (member.test(items.get(i))) {
                    chosen.add(i);
                }
            }
            int[] ids = chosen.stream().mapToInt(Integer::intValue).toArray();
            double[] weights = new double[ids.length];
            for (int k = 0; k < ids.length; k++) {
                DemoItem item = items.get(ids[k]);
                weights[k] = item.popularity() * (0.25 + priceFit(item.pricePosition(), target))
                        * (item.available() ? 1.0 : 0.3);
            }
            indices[slot] = ids;
            cumulatives[slot] = cumulative(weights);
        }

        List<DemoEvent> run() {
            List<DemoEvent> events = new ArrayList<>(settings.events() + settings.events() / 10);
            Instant end = settings.windowEnd();
            while (events.size() < settings.events()) {
                int deficit = settings.events() - events.size();
                int sessions = Math.max(1, (int) StrictMath.ceil(deficit / EVENTS_PER_SESSION_ESTIMATE));
                List<long[]> slots = new ArrayList<>(sessions);
                for (int k = 0; k < sessions; k++) {
                    int user = sample(userCumulative);
                    slots.add(new long[] {start(end).getEpochSecond(), user});
                }
                // In time order, so that "buy again" only sees earlier purchases within a pass.
                slots.sort(Comparator.<long[]>comparingLong(s -> s[0]).thenComparingLong(s -> s[1]));
                for (long[] slot : slots) {
                    session(users.get((int) slot[1]), (int) slot[1], Instant.ofEpochSecond(slot[0]), events);
                }
            }
            events.sort(Comparator.comparing(DemoEvent::timestamp)); // stable: sessions keep their order
            return List.copyOf(events);
        }

        private Instant start(Instant end) {
            // More sessions on recent days (a growing shop), most in the evening.
            int day = 1 + (int) (DemoSettings.DAYS * StrictMath.pow(random.nextDouble(), 1.2));
            day = Math.min(day, DemoSettings.DAYS);
            int hour = sample(hourCumulative);
            Instant start = end.minus(Duration.ofDays(day)).plusSeconds(hour * 3600L + random.nextInt(3600));
            // A session lasts at most about an hour and a half: keep it before the end of the window.
            Instant latest = end.minus(Duration.ofHours(3));
            return start.isAfter(latest) ? start.minus(Duration.ofHours(3)) : start;
        }

        private void session(DemoUser user, int userIndex, Instant start, List<DemoEvent> out) {
            double[] preferenceCumulative = cumulative(user.preference());
            int bucket = Math.min(PRICE_BUCKETS - 1, (int) (user.priceSensitivity() * PRICE_BUCKETS));
            int top = sample(preferenceCumulative);
            int sub = random.nextInt(tops.get(top).subs().size());
            Instant time = start;
            List<int[]> cart = new ArrayList<>(); // item index, quantity, buy-again flag

            boolean search = random.nextDouble() < 0.25;
            if (search) {
                out.add(new DemoEvent(EventType.SEARCH, user.id(), null, 1, time, query(top, sub)));
                time = time.plusSeconds(5 + random.nextInt(40));
            }

            if (random.nextDouble() < 0.3) {
                int again = buyAgain(userIndex, start);
                if (again >= 0) {
                    DemoItem item = items.get(again);
                    out.add(new DemoEvent(EventType.VIEW, user.id(), item.id(), 1, time, null));
                    time = time.plusSeconds(10 + random.nextInt(60));
                    if (item.available() && random.nextDouble() < 0.85) {
                        int quantity = quantity(item);
                        out.add(new DemoEvent(EventType.ADD_TO_CART, user.id(), item.id(), quantity, time, null));
                        time = time.plusSeconds(5 + random.nextInt(30));
                        cart.add(new int[] {again, quantity, 1});
                    }
                }
            }

            int views = 1;
            while (views < 15 && random.nextDouble() < 0.72) {
                views++;
            }
            for (int v = 0; v < views; v++) {
                int index;
                double r = random.nextDouble();
                if (search && r < 0.7) {
                    index = pickItem(subItems, subCumulative, (subOffset[top] + sub) * PRICE_BUCKETS + bucket);
                } else if (r < 0.8) {
                    index = pickItem(topItems, topCumulative, top * PRICE_BUCKETS + bucket);
                } else {
                    int other = sample(preferenceCumulative);
                    index = pickItem(topItems, topCumulative, other * PRICE_BUCKETS + bucket);
                }
                DemoItem item = items.get(index);
                if (random.nextDouble() < 0.06) {
                    out.add(new DemoEvent(EventType.CLICK, user.id(), item.id(), 1, time, null));
                    time = time.plusSeconds(1 + random.nextInt(5));
                }
                out.add(new DemoEvent(EventType.VIEW, user.id(), item.id(), 1, time, null));
                time = time.plusSeconds(15 + random.nextInt(180));
                if (item.available() && random.nextDouble() < cartProbability(user, item)) {
                    int quantity = quantity(item);
                    out.add(new DemoEvent(EventType.ADD_TO_CART, user.id(), item.id(), quantity, time, null));
                    time = time.plusSeconds(5 + random.nextInt(30));
                    cart.add(new int[] {index, quantity, 0});
                }
            }

            for (int[] entry : cart) {
                if (random.nextDouble() < (entry[2] == 1 ? 0.8 : 0.5)) {
                    time = time.plusSeconds(20 + random.nextInt(90));
                    DemoItem item = items.get(entry[0]);
                    out.add(new DemoEvent(EventType.PURCHASE, user.id(), item.id(), entry[1], time, null));
                    purchases.get(userIndex).add(new long[] {time.getEpochSecond(), entry[0]});
                }
            }
        }

        /** An earlier purchase of a consumable, frequent ones more likely; -1 when there is none. */
        private int buyAgain(int userIndex, Instant before) {
            List<Integer> candidates = new ArrayList<>();
            for (long[] purchase : purchases.get(userIndex)) {
                if (purchase[0] < before.getEpochSecond() && tops.get(items.get((int) purchase[1]).top()).repeat()) {
                    candidates.add((int) purchase[1]);
                }
            }
            return candidates.isEmpty() ? -1 : candidates.get(random.nextInt(candidates.size()));
        }

        private double cartProbability(DemoUser user, DemoItem item) {
            double affinity = 0.4 + 1.6 * user.preference()[item.top()];
            double fit = priceFit(item.pricePosition(), 1 - user.priceSensitivity());
            return 0.08 * affinity * (0.5 + fit);
        }

        private int quantity(DemoItem item) {
            if (tops.get(item.top()).repeat()) {
                return random.nextDouble() < 0.3 ? 2 + random.nextInt(2) : 1;
            }
            return random.nextDouble() < 0.04 ? 2 : 1;
        }

        private String query(int top, int sub) {
            Vocabulary.Top category = tops.get(top);
            String noun = pick(category.subs().get(sub).nouns());
            double r = random.nextDouble();
            String text = r < 0.2 ? pick(category.brands()) + " " + noun
                    : r < 0.45 ? pick(category.adjectives()) + " " + noun : noun;
            return text.toLowerCase(Locale.ROOT);
        }

        private int pickItem(int[][] indices, double[][] cumulatives, int slot) {
            return indices[slot][sample(cumulatives[slot])];
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Closeness of an item's price position to the position a user aims at, 0 to 1. */
    private static double priceFit(double position, double target) {
        double d = position - target;
        return StrictMath.exp(-d * d / (2 * 0.09));
    }

    private String pick(List<String> words) {
        return words.get(random.nextInt(words.size()));
    }

    private int sample(double[] cumulative) {
        double x = random.nextDouble() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static double[] cumulative(double[] weights) {
        double[] out = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            out[i] = sum;
        }
        return out;
    }

    private static void normalise(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] /= sum;
        }
    }

    static String id(String prefix, int number, int width) {
        String digits = Integer.toString(number);
        return prefix + "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    /** Whether a product noun is plural ("trainers", "coffee beans"), for the grammar of descriptions. */
    static boolean plural(String noun) {
        String last = noun.substring(noun.lastIndexOf(' ') + 1);
        return last.endsWith("s") && !last.endsWith("ss") && !last.equals("lens");
    }

    private static String article(String word) {
        return "aeiouAEIOU".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String capitalise(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private static String titleCase(String words) {
        StringBuilder out = new StringBuilder(words.length());
        for (String word : words.split(" ")) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(word.equals("and") || word.equals("with") ? word : capitalise(word));
        }
        return out.toString();
    }
}
