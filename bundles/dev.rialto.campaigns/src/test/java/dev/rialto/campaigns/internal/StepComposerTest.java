package dev.rialto.campaigns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.Purpose;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.Recommender;
import dev.rialto.api.recommend.SourceHit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StepComposerTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

    /** Answers user u<i> with i items; records every call. */
    static final class CountingRecommender implements Recommender {
        final List<List<RecommendationRequest>> batches = new ArrayList<>();

        @Override
        public Recommendation recommend(RecommendationRequest request) {
            throw new AssertionError("a chunk must be recommended in one recommendAll call");
        }

        @Override
        public List<Recommendation> recommendAll(List<RecommendationRequest> requests) {
            batches.add(requests);
            List<Recommendation> out = new ArrayList<>();
            for (RecommendationRequest r : requests) {
                int count = Integer.parseInt(r.userId().substring(1)) % 3;
                List<RecommendedItem> items = new ArrayList<>();
                for (int i = 0; i < Math.min(count, r.n()); i++) {
                    items.add(new RecommendedItem("i" + i, "Item " + i, "c", 1.0 / (i + 1),
                            List.of(new SourceHit("popular", i + 1, 1.0)), 0, null, null));
                }
                out.add(new Recommendation(r.userId(), items, null));
            }
            return out;
        }
    }

    @Test
    void recommendsTheWholeChunkInOneCallAndKeepsTheOrder() {
        CampaignDefinition d = CampaignJson.parse("""
                {"id": "c", "steps": [{"type": "recommend", "n": 2, "sources": ["co-visitation", "popular"]},
                  {"type": "generate", "kind": "email-body"}, {"type": "deliver", "channel": "outbox"}],
                 "variants": [{"name": "A", "percent": 50},
                              {"name": "B", "percent": 50, "overrides": {"recommend.n": "1", "recommend.candidates": "40"}}]}
                """);
        CountingRecommender recommender = new CountingRecommender();
        List<String> generatedFor = new ArrayList<>();
        StepComposer composer = new StepComposer(() -> recommender,
                () -> (kind, provider, locale, tone, profile, items, channel) -> {
                    generatedFor.add(profile.id() + "=" + items);
                    return new StepComposer.Generated(null, "body for " + items, Map.of());
                }, () -> null, channel -> Purpose.PERSONALISATION);
        List<Composer.Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            recipients.add(new Composer.Recipient(d.variants().get(i % 2), profile("u" + i), "run:u" + i + ":2"));
        }
        List<Composer.Composed> out = composer.composeAll(d, recipients, "run", NOW);

        assertEquals(1, recommender.batches.size());
        List<RecommendationRequest> batch = recommender.batches.get(0);
        assertEquals(6, batch.size());
        assertEquals(2, batch.get(0).n()); // variant A
        assertEquals(1, batch.get(1).n()); // variant B overrides n
        assertEquals(Set.of("co-visitation", "popular"), batch.get(0).sources());
        // the configured quotas unless the step asks for a shallower gather
        assertEquals(0, batch.get(0).candidates());
        assertEquals(40, batch.get(1).candidates(), "variant B asks for a shallower gather");
        assertEquals(0, StepComposer.candidates(null));
        assertEquals(300, StepComposer.candidates(" 300 "));
        // u0 and u3 get no items: skipped without generating; the others in order with their own items
        assertEquals("no-content", out.get(0).skipReason());
        assertEquals(List.of("i0"), out.get(1).delivery().items());
        assertEquals(List.of("i0", "i1"), out.get(2).delivery().items()); // variant A: n = 2
        assertEquals("no-content", out.get(3).skipReason());
        assertEquals("run:u4:2", out.get(4).delivery().deliveryId());
        assertEquals("body for [i0]", out.get(4).delivery().body());
        assertEquals(List.of("u1=[i0]", "u2=[i0, i1]", "u4=[i0]", "u5=[i0]"), generatedFor);
        assertNull(out.get(1).skipReason());
    }

    @Test
    void aMissingRecommenderFailsTheRun() {
        CampaignDefinition d = CampaignJson.parse("""
                {"id": "c", "steps": [{"type": "recommend"}, {"type": "deliver", "channel": "outbox"}]}
                """);
        StepComposer composer = new StepComposer(() -> null, () -> null, () -> null, c -> Purpose.PERSONALISATION);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> composer.composeAll(d,
                List.of(new Composer.Recipient(d.variants().get(0), profile("u1"), "r:u1:1")), "r", NOW));
        assertEquals("the recommend step needs feature rialto-retrieval, which is not running", e.getMessage());
    }

    private static Profile profile(String id) {
        return new Profile(id, Map.of("locale", "en"), NOW, NOW);
    }

    /** The encrypted case is the content service's rule (ContentEngineTest); here the attribute is only read. */
    @Test
    void theFirstNameIsReadFromEitherAttribute() {
        Instant t = NOW;
        assertEquals("Ida", ServiceSteps.firstName(new Profile("u", Map.of("first_name", "Ida"), t, t)));
        assertEquals("Ida", ServiceSteps.firstName(new Profile("u", Map.of("firstname", "Ida"), t, t)));
        assertNull(ServiceSteps.firstName(new Profile("u", Map.of(), t, t)));
    }
}
