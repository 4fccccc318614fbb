package dev.rialto.retrieval.lucene.internal.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.rialto.api.retrieval.Candidate;
import dev.rialto.api.retrieval.CandidateQuery;
import dev.rialto.api.retrieval.ItemFilter;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * A user-independent ranking's first items that pass a filter, kept per filter and quota until the ranking or the
 * index changes: every request used to look up and check the same 500-odd items. A user's purchases are left out
 * per request from the kept head ({@link #MARGIN} items past n); more purchases than that read the ranking again.
 */
final class RankingHeads {

    /** Items kept past n, so that a user's purchases can be left out of the head. */
    static final int MARGIN = 64;

    /** Most heads kept (filters x quotas). */
    static final int MAX = 256;

    private record Key(ItemFilter filter, int n) {
    }

    private record Head(String[] ids, double[] scores, boolean complete) {
    }

    private record Heads(PopularityCounters.Ranking ranking, long epoch, Map<Key, Head> byKey) {
    }

    private volatile Heads heads = new Heads(null, -1, Map.of());

    /** What {@code PopularCandidateSource.fromRanking} answers, from the kept head when it suffices. */
    List<Candidate> candidates(String source, PopularityCounters.Ranking ranking, ItemIndex index,
            Set<String> purchased, CandidateQuery query) {
        // Read before looking items up: an item change meanwhile moves the epoch past the kept head.
        long epoch = index.epoch();
        Heads h = heads;
        if (h.ranking() != ranking || h.epoch() != epoch) {
            h = new Heads(ranking, epoch, new ConcurrentHashMap<>());
            heads = h;
        }
        int n = query.n();
        ItemFilter common = PopularCandidateSource.common(query.filter());
        Set<String> excluded = PopularCandidateSource.excluded(purchased, query.filter());
        Key key = new Key(common, n);
        Head head = h.byKey().get(key);
        if (head == null) {
            head = first(ranking, index, common, Set.of(), n + MARGIN);
            if (h.byKey().size() >= MAX) {
                h.byKey().clear();
            }
            h.byKey().put(key, head);
        }
        List<Candidate> out = take(source, head, excluded, n);
        if (out.size() < n && !head.complete()) {
            out = take(source, first(ranking, index, common, excluded, n), Set.of(), n);
        }
        return out;
    }

    private static List<Candidate> take(String source, Head head, Set<String> purchased, int n) {
        List<Candidate> out = new ArrayList<>(Math.min(n, head.ids().length));
        for (int i = 0; i < head.ids().length && out.size() < n; i++) {
            if (!purchased.contains(head.ids()[i])) {
                out.add(new Candidate(head.ids()[i], source, out.size() + 1, head.scores()[i]));
            }
        }
        return out;
    }

    private static Head first(PopularityCounters.Ranking ranking, ItemIndex index, ItemFilter filter,
            Set<String> purchased, int limit) {
        List<String> ids = new ArrayList<>(Math.min(limit, 1024));
        List<Double> scores = new ArrayList<>(Math.min(limit, 1024));
        PopularCandidateSource.scan(ranking, index, limit, (item, score) -> {
            if (PopularCandidateSource.passes(filter, purchased, item)) {
                ids.add(item.id());
                scores.add(score);
            }
            return ids.size() < limit;
        });
        double[] s = new double[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        return new Head(ids.toArray(String[]::new), s, ids.size() < limit);
    }
}
