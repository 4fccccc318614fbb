package dev.rialto.content.internal;

import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.GuardrailReport;
import java.util.Map;
import java.util.Set;

/** A generator over the fixtures' catalogue with the template and grounded providers, for other packages' tests. */
public final class TestGenerators {
    private TestGenerators() {
    }

    /** With the fixtures' users ({@link Fixtures#users()}: p-lea, p-max) and their recommendations. */
    public static ContentGenerator templateAndGrounded() {
        return templateAndGrounded(true);
    }

    /** @param users false for no profile store and no recommender */
    public static ContentGenerator templateAndGrounded(boolean users) {
        ContentEngine engine = Fixtures.engine(Map.of("grounded", new GroundedProvider(l -> null)),
                users ? Fixtures.users() : ContentEngine.Users.NONE, l -> null);
        return new ContentGenerator() {
            @Override
            public ContentResponse generate(ContentRequest request) {
                return engine.generate(request);
            }

            @Override
            public Set<String> providers() {
                return engine.providers();
            }

            @Override
            public GuardrailReport check(ContentRequest request, String text) {
                return engine.check(request, text);
            }
        };
    }
}
