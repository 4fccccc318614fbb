package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.SourceHit;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecommendationTextTest {

    private final Fakes.RecorderRecommender recommender = new Fakes.RecorderRecommender();

    @Test
    void buildsTheRequestFromTheOptions() {
        recommender.answer = new Recommendation("u0001", List.of(), null);
        RecommendationText.recommend(recommender, "u0001", 5, "Electronics > Headphones", true);
        assertEquals("u0001", recommender.request.userId());
        assertEquals(5, recommender.request.n());
        assertEquals("Electronics > Headphones", recommender.request.filter().categoryPrefix());
        assertTrue(recommender.request.filter().excludePurchased());
        assertTrue(recommender.request.filter().availableOnly());

        RecommendationText.recommend(recommender, "u0002", 10, null, false);
        assertEquals(null, recommender.request.filter().categoryPrefix());
        assertFalse(recommender.request.filter().excludePurchased());
    }

    @Test
    void printsOneRowPerItemInRankOrderWithSourcesAndModelScore() {
        recommender.answer = new Recommendation("u0001", List.of(
                new RecommendedItem("i00042", "Sonara Wireless Over-Ear Headphones SN-204",
                        "Electronics > Headphones", 0.91234, List.of(new SourceHit("bm25", 3, 7.2),
                                new SourceHit("popular", 1, 120)), 0.0325, 0.91234, "ranker@7"),
                new RecommendedItem("i00007", "Voltix Compact Bluetooth Speaker VO-118", "Electronics > Speakers",
                        0.5, List.of(new SourceHit("covisit", 2, 0.4)), 0.0161, null, null)),
                "ranker@7");
        String text = RecommendationText.recommend(recommender, "u0001", 2, null, false);
        List<String> lines = text.lines().toList();
        assertEquals("Recommendations for u0001 (model ranker@7)", lines.get(0));
        assertTrue(lines.get(1).startsWith("#  item    title"), lines.get(1));
        assertTrue(lines.get(3).startsWith("1  i00042  Sonara Wireless Over-Ear Headphones SN-204"), lines.get(3));
        assertTrue(lines.get(3).contains("0.9123  bm25#3 popular#1  0.9123"), lines.get(3));
        assertTrue(lines.get(4).startsWith("2  i00007"), lines.get(4));
        assertTrue(lines.get(4).endsWith("0.5000  covisit#2         -"), lines.get(4));
        assertEquals(5, lines.size());
    }

    @Test
    void saysWhenTheListIsEmptyOrFusionRankedIt() {
        recommender.answer = new Recommendation("u0009", List.of(), null);
        assertEquals("Recommendations for u0009 (ranked by fusion, no model)\nNo items.\n",
                RecommendationText.recommend(recommender, "u0009", 10, null, false));
    }

    @Test
    void missingRecommenderIsReportedNotThrown() {
        String text = RecommendationText.recommend(null, "u0001", 10, null, false);
        assertTrue(text.startsWith("Recommender: not available"), text);
    }

    @Test
    void invalidCountNamesTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecommendationText.recommend(recommender, "u0001", 0, null, false));
        assertTrue(e.getMessage().startsWith("n must be between 1 and 1000"), e.getMessage());
    }

    @Test
    void longTitlesAreCut() {
        assertEquals("ab...", TextTable.cut("abcdefgh", 5));
        assertEquals("abc", TextTable.cut("abc", 5));
    }
}
