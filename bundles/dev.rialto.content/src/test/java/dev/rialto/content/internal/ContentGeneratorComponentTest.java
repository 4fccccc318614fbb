package dev.rialto.content.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.content.ContentBrief;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.recommend.Recommendation;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.SourceHit;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The configuration as the component reads it, and the services it binds. */
class ContentGeneratorComponentTest {

    private static final ItemRepository ITEMS = new ItemRepository() {
        @Override
        public void upsert(Collection<Item> items) {
        }

        @Override
        public Optional<Item> find(String id) {
            return Optional.ofNullable(Fixtures.CATALOGUE.get(id));
        }

        @Override
        public Map<String, Item> findAll(Collection<String> ids) {
            return Fixtures.find(ids);
        }

        @Override
        public long count() {
            return Fixtures.CATALOGUE.size();
        }

        @Override
        public void forEach(Consumer<Item> consumer) {
            Fixtures.CATALOGUE.values().forEach(consumer);
        }
    };

    /** The configuration with the defaults of the annotation, some of them replaced. */
    private static ContentGeneratorComponent.Config config(Map<String, Object> values) {
        return (ContentGeneratorComponent.Config) Proxy.newProxyInstance(
                ContentGeneratorComponent.Config.class.getClassLoader(),
                new Class<?>[] {ContentGeneratorComponent.Config.class}, (proxy, method, args) -> values
                        .containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private static ContentEngine engine(ContentGeneratorComponent component, Map<String, Object> values) {
        return component.engine(config(values), Fixtures.catalog());
    }

    @Test
    void bannedClaimsLengthLimitsAndTheSenderComeFromTheConfiguration() {
        ContentGeneratorComponent component = new ContentGeneratorComponent(ITEMS);
        ContentEngine engine = engine(component, Map.of("banned_claims", new String[] {"dimmer, brushed"},
                "length_limits", new String[] {"ad-headline=20"}, "sender_address",
                "Acme Ltd, 5 Main Road, Leeds"));
        ContentRequest description = ContentRequest.of(ContentKind.AD_DESCRIPTION, "en", Fixtures.LAMP.id());
        GuardrailReport report = engine.check(description, "Lumina lamp with a dimmer");
        assertEquals(List.of(GuardrailFinding.BANNED_CLAIM), report.violations().stream()
                .map(GuardrailFinding::check).toList());
        // the built-in list is replaced, not extended
        assertTrue(engine.check(description, "Lumina lamp, guaranteed").passed());
        assertEquals(20, engine.maxLength(ContentRequest.of(ContentKind.AD_HEADLINE, "en", Fixtures.LAMP.id())));
        ContentResponse email = engine.generate(ContentRequest.of(ContentKind.EMAIL_BODY, "en", Fixtures.LAMP.id()));
        assertTrue(email.text().contains("Acme Ltd, 5 Main Road, Leeds"), email.text());
        assertTrue(email.variants().get(0).report().passed());
    }

    @Test
    void invalidSettingsAreNamed() {
        ContentGeneratorComponent component = new ContentGeneratorComponent(ITEMS);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> engine(component, Map.of("regenerations", 9)))
                .getMessage().startsWith("regenerations"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> engine(component, Map.of("length_limits",
                new String[] {"banner=20"}))).getMessage().startsWith("length.limits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> engine(component, Map.of(
                "duplicate_similarity", 1.5))).getMessage().startsWith("duplicate.similarity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> engine(component, Map.of("sender_address",
                " "))).getMessage().startsWith("sender.address"));
    }

    @Test
    void providersAndTheRecommenderAreBoundDynamically() {
        ContentGeneratorComponent component = new ContentGeneratorComponent(ITEMS);
        ContentEngine engine = engine(component, Map.of());
        ContentProvider acme = new ContentProvider() {
            @Override
            public String name() {
                return "acme";
            }

            @Override
            public List<String> draft(ContentBrief brief) {
                return List.of("Lumina Soft Desk Lamp, teal");
            }
        };
        component.bindProvider(acme, Map.of(ContentProvider.PROVIDER, "acme"));
        assertTrue(component.providers().contains("acme"));
        ContentRequest viaAcme = new ContentRequest(ContentKind.AD_HEADLINE, "en", List.of(Fixtures.LAMP.id()), null,
                null, null, 1, "acme");
        assertEquals("acme", engine.generate(viaAcme).provider());
        component.unbindProvider(acme, Map.of());
        assertFalse(component.providers().contains("acme"));
        assertThrows(IllegalArgumentException.class, () -> engine.generate(viaAcme));

        ContentRequest recommended = ContentRequest.recommended(ContentKind.PUSH_MESSAGE, "en", "p-1", 1);
        assertThrows(IllegalStateException.class, () -> engine.generate(recommended));
        component.bindRecommender(request -> new Recommendation(request.userId(), List.of(new RecommendedItem(
                Fixtures.PAD.id(), Fixtures.PAD.title(), Fixtures.PAD.category(), 1.0, List.of(new SourceHit("popular",
                        1, 1.0)), 1.0, null, null)), null));
        assertEquals(List.of(Fixtures.PAD.id()), engine.generate(recommended).itemIds());
    }
}
