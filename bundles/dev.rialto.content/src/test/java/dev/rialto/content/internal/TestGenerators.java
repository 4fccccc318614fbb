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

    public static ContentGenerator templateAndGrounded() {
        ContentEngine engine = Fixtures.engine(Map.of("grounded", new GroundedProvider(l -> null)));
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
