package dev.rialto.retrieval.lucene.internal.sources;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * What the sources of this bundle read about one user (recent events, weighted history, top categories, purchases),
 * read once per recommendation and shared by every source that asks during it. The recommender opens a scope on its
 * thread around asking the sources; a source called outside a scope (search, tests, another bundle's recommender)
 * gets a context of its own. Not thread-safe: one request, one thread.
 */
public final class UserContext {

    private static final ThreadLocal<UserContext> CURRENT = new ThreadLocal<>();

    private record WeightsKey(int historySize, Map<EventType, Double> typeWeights, double halfLifeDays) {
    }

    private record CategoriesKey(WeightsKey weights, int top) {
    }

    private final String userId;
    private final EventRepository events;
    private final ItemIndex index;
    private List<Event> recent;
    private int recentLimit;
    private Set<String> purchased;
    private int purchasedLookback = -1;
    private final Map<WeightsKey, Map<String, Double>> weights = new HashMap<>(2);
    private final Map<CategoriesKey, Map<String, Double>> categories = new HashMap<>(2);

    private UserContext(String userId, EventRepository events, ItemIndex index) {
        this.userId = userId;
        this.events = events;
        this.index = index;
    }

    /** A scope in which every source of this bundle on this thread shares one context of the user. */
    public static Scope open(String userId, EventRepository events, ItemIndex index) {
        UserContext previous = CURRENT.get();
        CURRENT.set(userId == null ? null : new UserContext(userId, events, index));
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** The shared context of the user when a scope for them is open on this thread, else a fresh one. */
    public static UserContext of(String userId, EventRepository events, ItemIndex index) {
        UserContext c = CURRENT.get();
        if (c != null && c.events == events && c.index == index && Objects.equals(c.userId, userId)) {
            return c;
        }
        return new UserContext(userId, events, index);
    }

    /** Closes a scope; never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public String userId() {
        return userId;
    }

    /** The user's newest {@code limit} events, newest first; read from the store at most once per larger limit. */
    public List<Event> recent(int limit) {
        if (userId == null) {
            return List.of();
        }
        if (recent == null || limit > recentLimit && recent.size() >= recentLimit) {
            recent = events.recentForUser(userId, limit);
            recentLimit = limit;
        }
        return recent.size() <= limit ? recent : recent.subList(0, limit);
    }

    /** Items the user bought among their {@code lookback} newest events. */
    public Set<String> purchased(int lookback) {
        if (purchased == null || purchasedLookback != lookback) {
            Set<String> bought = new HashSet<>();
            for (Event e : recent(lookback)) {
                if (e.type() == EventType.PURCHASE && e.itemId() != null) {
                    bought.add(e.itemId());
                }
            }
            purchased = bought;
            purchasedLookback = lookback;
        }
        return purchased;
    }

    /** {@link UserHistory#itemWeights} of the newest {@code historySize} events, heaviest first. */
    public Map<String, Double> itemWeights(int historySize, Map<EventType, Double> typeWeights,
            double halfLifeDays) {
        WeightsKey key = new WeightsKey(historySize, typeWeights, halfLifeDays);
        Map<String, Double> w = weights.get(key);
        if (w == null) {
            w = UserHistory.itemWeights(recent(historySize), typeWeights, halfLifeDays);
            weights.put(key, w);
        }
        return w;
    }

    /** {@link UserHistory#topCategories} of {@link #itemWeights}. */
    public Map<String, Double> topCategories(int historySize, Map<EventType, Double> typeWeights,
            double halfLifeDays, int top) {
        CategoriesKey key = new CategoriesKey(new WeightsKey(historySize, typeWeights, halfLifeDays), top);
        Map<String, Double> c = categories.get(key);
        if (c == null) {
            c = UserHistory.topCategories(index, itemWeights(historySize, typeWeights, halfLifeDays), top);
            categories.put(key, c);
        }
        return c;
    }
}
