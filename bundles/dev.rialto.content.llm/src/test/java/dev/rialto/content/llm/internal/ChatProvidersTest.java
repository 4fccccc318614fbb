package dev.rialto.content.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rialto.api.catalog.Item;
import dev.rialto.api.content.Audience;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.ContentVariant;
import dev.rialto.api.content.GuardrailFinding;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.profiles.Consent;
import dev.rialto.content.internal.EngineForTests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The openai and ollama providers against a chat server on loopback speaking the real wire formats, run through
 * the real generation loop: good answers are used, and slow answers, server errors, malformed JSON and copy that
 * breaks each guardrail end in compliant template copy.
 */
class ChatProvidersTest {
    static final String KEY = "sk-test-3f9a1c77e2b54d0e";
    static final Item LAMP = new Item("i00042", "Lumina Soft Desk Lamp LS-240, Teal",
            "The Lumina desk lamp is made of brushed aluminium, with a dimmer and a USB port. "
                    + "Ideal for reading late at night.",
            "Home > Lighting", new BigDecimal("49.90"), "GBP", true, "en", Map.of("colour", "teal"), "Lumina");
    private static final ObjectMapper JSON = new ObjectMapper();

    static FakeChatServer server;
    static ContentGenerator generator;
    static PrintStream originalErr;
    static final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        // Everything logged from here on (slf4j-simple writes to System.err) is checked for the key at the end.
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, logs), true, StandardCharsets.UTF_8));
        server = new FakeChatServer();
        Settings openai = Settings.of("openai", server.openAiUrl(), "test-model", KEY, null, n -> null, 1, 1, 0.7,
                400);
        Settings ollama = Settings.of("ollama", server.ollamaUrl(), "llama3.2", null, null, n -> null, 1, 0, 0.7,
                400);
        Map<String, ContentProvider> providers = Map.of(
                "openai", new ChatProvider("openai", Models.openAi(openai), openai.apiKey()),
                "ollama", new ChatProvider("ollama", Models.ollama(ollama), null));
        generator = EngineForTests.engine(providers, Map.of(LAMP.id(), LAMP));
    }

    @AfterAll
    static void stop() {
        server.close();
        System.setErr(originalErr);
        String logged = logs.toString(StandardCharsets.UTF_8);
        assertFalse(logged.isEmpty(), "the fallbacks were logged");
        assertFalse(logged.contains(KEY), "the API key must never be logged");
    }

    private static ContentResponse generate(String provider, ContentKind kind, String locale, int variants) {
        return generator.generate(new ContentRequest(kind, locale, List.of(LAMP.id()), Audience.ANYONE, null, null,
                variants, provider));
    }

    private static void assertCompliant(ContentResponse r) {
        assertFalse(r.variants().isEmpty());
        for (ContentVariant v : r.variants()) {
            assertTrue(v.report().passed(), v.text() + " " + v.report());
        }
    }

    private static void assertFellBack(ContentResponse r) {
        assertTrue(r.fallback(), r.toString());
        assertEquals(ContentGenerator.TEMPLATE_PROVIDER, r.provider());
        assertTrue(r.variants().stream().allMatch(v -> v.provider().equals("template")));
        assertCompliant(r);
    }

    @Test
    void openAiAnswersAreUsedAndTheRequestIsTheRealWireFormat() throws Exception {
        server.script(FakeChatServer.Reply.saysJson("Lumina desk lamp with a dimmer, now £49.90",
                "Read late at night with the Lumina lamp"));
        ContentResponse r = generate("openai", ContentKind.AD_DESCRIPTION, "en", 2);
        assertEquals("openai", r.provider());
        assertFalse(r.fallback());
        assertEquals(List.of("Lumina desk lamp with a dimmer, now £49.90", "Read late at night with the Lumina lamp"),
                r.variants().stream().map(ContentVariant::text).toList());
        assertCompliant(r);

        FakeChatServer.Received request = server.received.get(0);
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("Bearer " + KEY, request.authorization());
        JsonNode body = JSON.readTree(request.body());
        assertEquals("test-model", body.get("model").asText());
        assertEquals("system", body.get("messages").get(0).get("role").asText());
        assertEquals("user", body.get("messages").get(1).get("role").asText());
        String user = body.get("messages").get(1).get("content").asText();
        assertTrue(user.contains("- title: Lumina Soft Desk Lamp LS-240, Teal"), user);
        assertTrue(user.contains("- price: 49.90 GBP"), user);
        assertTrue(body.get("messages").get(0).get("content").asText().contains("at most 90 characters"));
    }

    @Test
    void ollamaAnswersAreUsed() throws Exception {
        server.script(FakeChatServer.Reply.says("```json\n[\"为您推荐 Lumina Soft Desk Lamp，售价£49.90。\"]\n```"));
        ContentResponse r = generate("ollama", ContentKind.PUSH_MESSAGE, "zh", 1);
        assertEquals("ollama", r.provider());
        assertEquals("为您推荐 Lumina Soft Desk Lamp，售价£49.90。", r.text());
        FakeChatServer.Received request = server.received.get(0);
        assertEquals("/api/chat", request.path());
        JsonNode body = JSON.readTree(request.body());
        assertEquals("llama3.2", body.get("model").asText());
        assertFalse(body.get("stream").asBoolean(true), "non-streaming chat");
        assertTrue(body.get("messages").get(0).get("content").asText().contains("Simplified Chinese"));
    }

    @Test
    void aSlowServerTimesOutAndTheTemplateAnswers() {
        server.script(FakeChatServer.Reply.saysJson("Lumina lamp").after(3000));
        long start = System.nanoTime();
        ContentResponse r = generate("openai", ContentKind.AD_HEADLINE, "en", 1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertFellBack(r);
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("provider openai failed")), r.notes().toString());
        // 1 s timeout, one retry: well under the 3 s the server would take per answer, twice.
        assertTrue(millis < 5000, "took " + millis + " ms");
    }

    @Test
    void serverErrorsAreRetriedThenTheTemplateAnswers() {
        server.script(FakeChatServer.Reply.raw(500, "{\"error\":{\"message\":\"model crashed\"}}"));
        ContentResponse r = generate("openai", ContentKind.EMAIL_SUBJECT, "en", 2);
        assertFellBack(r);
        assertEquals(2, server.received.size(), "the first call and one retry");
        assertEquals(2, r.variants().size());
    }

    @Test
    void ollamaServerErrorsFallBack() {
        server.script(FakeChatServer.Reply.raw(500, "{\"error\":\"out of memory\"}"));
        assertFellBack(generate("ollama", ContentKind.AD_HEADLINE, "en", 1));
    }

    @Test
    void malformedJsonFallsBack() {
        server.script(FakeChatServer.Reply.raw(200, "{\"id\": \"chatcmpl-1\", \"choices\": [ {\"message\": "));
        assertFellBack(generate("openai", ContentKind.AD_DESCRIPTION, "en", 1));
        server.script(FakeChatServer.Reply.raw(200, "<html>Bad gateway</html>"));
        assertFellBack(generate("ollama", ContentKind.AD_DESCRIPTION, "en", 1));
    }

    @Test
    void anEmptyAnswerFallsBack() {
        server.script(FakeChatServer.Reply.says(""));
        assertFellBack(generate("openai", ContentKind.AD_DESCRIPTION, "en", 1));
    }

    static Stream<Arguments> brokenCopy() {
        return Stream.of(
                Arguments.of(ContentKind.AD_HEADLINE, "en", "The Lumina Soft Desk Lamp LS-240 in teal, for reading",
                        GuardrailFinding.LENGTH),
                Arguments.of(ContentKind.AD_DESCRIPTION, "en", "Lumina lamp: questions? Mail help@lumina-shop.com",
                        GuardrailFinding.PII),
                Arguments.of(ContentKind.AD_DESCRIPTION, "en", "Lumina lamp: call us on 020 7946 0958",
                        GuardrailFinding.PII),
                Arguments.of(ContentKind.AD_DESCRIPTION, "en", "Pay with card 4111 1111 1111 1111 for the lamp",
                        GuardrailFinding.PII),
                Arguments.of(ContentKind.AD_DESCRIPTION, "en", "The Lumina lamp is guaranteed to cure insomnia",
                        GuardrailFinding.BANNED_CLAIM),
                Arguments.of(ContentKind.AD_DESCRIPTION, "en", "Lumina desk lamp, today only £19.99",
                        GuardrailFinding.UNGROUNDED),
                Arguments.of(ContentKind.AD_DESCRIPTION, "en", "Lumina desk lamp with free shipping",
                        GuardrailFinding.UNGROUNDED),
                Arguments.of(ContentKind.EMAIL_BODY, "en", "Hello,\n\nmeet the Lumina desk lamp with a dimmer.",
                        GuardrailFinding.REQUIRED_ELEMENT),
                Arguments.of(ContentKind.AD_DESCRIPTION, "zh", "Lumina desk lamp, perfect for reading at night",
                        GuardrailFinding.LANGUAGE),
                Arguments.of(ContentKind.AD_DESCRIPTION, "en", "Lumina 台灯，非常适合夜读", GuardrailFinding.LANGUAGE));
    }

    @ParameterizedTest
    @MethodSource("brokenCopy")
    void copyBreakingAGuardrailIsRegeneratedThenReplaced(ContentKind kind, String locale, String bad,
            String check) {
        server.script(FakeChatServer.Reply.saysJson(bad));
        ContentResponse r = generate("openai", kind, locale, 1);
        assertFellBack(r);
        assertEquals(3, r.attempts(), "first try and two regenerations");
        assertEquals(3, server.received.size());
        assertTrue(r.rejected().stream().limit(3).allMatch(g -> g.violations().stream()
                .anyMatch(f -> f.check().equals(check))), r.rejected().toString());
        // The regeneration prompt tells the model what was wrong.
        assertTrue(server.received.get(1).body().contains("Earlier drafts were rejected"));
    }

    @Test
    void aRegeneratedDraftThatPassesIsKept() {
        server.script(FakeChatServer.Reply.saysJson("Lumina lamp, guaranteed the best"),
                FakeChatServer.Reply.saysJson("Lumina lamp, guaranteed the best"));
        server.script(FakeChatServer.Reply.saysJson("Lumina desk lamp with a dimmer and a USB port"),
                FakeChatServer.Reply.saysJson("Lumina lamp, guaranteed the best"));
        ContentResponse r = generate("openai", ContentKind.AD_DESCRIPTION, "en", 1);
        assertEquals("openai", r.provider());
        assertFalse(r.fallback());
        assertEquals(2, r.attempts());
        assertEquals(2, r.variants().get(0).attempt());
        assertEquals(1, r.rejected().size());
    }

    @Test
    void emailBodiesWithTheFooterPass() {
        String body = "Hi Anna,\n\nthe Lumina desk lamp has a dimmer and a USB port.\n\n"
                + EngineForTests.footer("en");
        server.script(FakeChatServer.Reply.saysJson(body));
        Audience anna = new Audience(null, "Anna", new Consent(true, true, null), Map.of());
        ContentResponse r = generator.generate(new ContentRequest(ContentKind.EMAIL_BODY, "en", List.of(LAMP.id()),
                anna, "warm", null, 1, "openai"));
        assertEquals("openai", r.provider());
        assertEquals(body, r.text());
        assertTrue(server.received.get(0).body().contains("first name: Anna"));
    }

    @Test
    void theFirstNameIsNotSentWithoutConsent() {
        server.script(FakeChatServer.Reply.saysJson("Lumina desk lamp with a dimmer"));
        Audience anna = new Audience(null, "Anna", new Consent(false, true, null), Map.of());
        generator.generate(new ContentRequest(ContentKind.EMAIL_SUBJECT, "en", List.of(LAMP.id()), anna, null, null,
                1, "openai"));
        assertFalse(server.received.get(0).body().contains("Anna"));
    }

    @Test
    void errorMessagesNeverCarryTheKey() {
        // A server that quotes the request's Authorization header in its error.
        server.script(FakeChatServer.Reply.raw(401, "{\"error\":{\"message\":\"bad key Bearer " + KEY + "\"}}"));
        ContentResponse r = generate("openai", ContentKind.AD_HEADLINE, "en", 1);
        assertFellBack(r);
        assertTrue(r.notes().stream().noneMatch(n -> n.contains(KEY)), r.notes().toString());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("***")), r.notes().toString());
    }

    @Test
    void settingsAreValidatedAndTheKeyCanComeFromTheEnvironment() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.of("openai",
                "localhost:8000", "m", null, null, n -> null, 30, 1, 0.7, 400));
        assertTrue(e.getMessage().startsWith("base.url"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.of("openai", "http://h/v1", "m",
                null, null, n -> null, 0, 1, 0.7, 400)).getMessage().startsWith("timeout.seconds"));
        Settings fromEnv = Settings.of("openai", "http://h/v1/", "m", "", "MY_KEY",
                n -> n.equals("MY_KEY") ? "sk-env" : null, 30, 1, 0.7, 400);
        assertEquals("sk-env", fromEnv.apiKey());
        assertEquals("http://h/v1", fromEnv.baseUrl());
        assertFalse(fromEnv.toString().contains("sk-env"));
        assertEquals("sk-cfg", Settings.of("openai", "http://h/v1", "m", "sk-cfg", "MY_KEY", n -> "sk-env", 30, 1,
                0.7, 400).apiKey());
    }

    @Test
    void answersAreReadLeniently() {
        assertEquals(List.of("a", "b"), Answers.variants("Here you go:\n[\"a\", \"b\"]"));
        assertEquals(List.of("a", "b"), Answers.variants("{\"variants\": [\"a\", \"b\"]}"));
        assertEquals(List.of("first line", "second line"), Answers.variants("1. first line\n- second line"));
        assertEquals(List.of(), Answers.variants("  "));
    }

    /** Writes to two streams. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }

}
