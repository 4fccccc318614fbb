package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.api.profiles.ProfileRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.ops4j.pax.exam.util.Filter;

/**
 * Content generation in the distribution: the template and grounded providers over REST on a demo item, an openai
 * provider (a factory configuration dropped into etc/) pointed at a chat server this test runs on loopback, and the
 * template fallback when that server errs, stalls or writes copy that breaks the guardrails.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class ContentIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private FeaturesService features;
    @Inject
    private org.osgi.framework.BundleContext bundleContext;
    @Inject
    @Filter(timeout = 60_000)
    private ContentGenerator generator;
    @Inject
    @Filter(timeout = 60_000)
    private ItemRepository items;
    @Inject
    @Filter(timeout = 60_000)
    private SessionFactory sessions;
    @Inject
    @Filter(timeout = 60_000)
    private Pseudonymiser pseudonymiser;
    @Inject
    @Filter(timeout = 60_000)
    private ProfileRepository profiles;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    private Item demoItem() {
        return Await.until("the demo catalogue", Duration.ofMinutes(3), () -> items.find("i00001").orElse(null));
    }

    private static JsonNode generate(String body, String password) throws IOException {
        Http.Answer answer = Http.post("/api/v1/content/generate", body, "admin", password);
        assertEquals(answer.toString(), 200, answer.status);
        return JSON.readTree(answer.body);
    }

    private static void assertAllPassed(JsonNode answer, int maxLength) {
        assertTrue(answer.toString(), answer.get("variants").size() >= 1);
        for (JsonNode v : answer.get("variants")) {
            assertTrue(v.toString(), v.get("guardrails").get("passed").asBoolean());
            String text = v.get("text").asText();
            assertTrue(text, text.codePointCount(0, text.length()) <= maxLength);
        }
    }

    @Test
    public void templateAndGroundedCopyOverRestAndTheConsole() throws Exception {
        assertTrue(features.isInstalled(features.getFeature("rialto-content")));
        assertTrue(features.isInstalled(features.getFeature("rialto-content-llm")));
        Item item = demoItem();
        String password = Support.adminPassword();

        JsonNode template = generate("{\"kind\":\"ad-headline\",\"locale\":\"en\",\"item\":\"" + item.id()
                + "\",\"variants\":2}", password);
        assertEquals("template", template.get("provider").asText());
        assertEquals(2, template.get("variants").size());
        assertAllPassed(template, 30);

        JsonNode grounded = generate("{\"kind\":\"product-description\",\"locale\":\"zh\",\"item\":\"" + item.id()
                + "\",\"provider\":\"grounded\",\"audience\":{\"segment\":\"gift buyers\"}}", password);
        assertEquals("grounded", grounded.get("provider").asText());
        assertFalse(grounded.get("fallback").asBoolean());
        assertAllPassed(grounded, 500);
        assertTrue(grounded.toString(), grounded.get("variants").get(0).get("text").asText()
                .contains(item.title()));

        Http.Answer bad = Http.post("/api/v1/content/generate", "{\"kind\":\"banner\",\"item\":\"" + item.id()
                + "\"}", "admin", password);
        assertEquals(400, bad.status);
        assertTrue(bad.body, bad.body.contains("\"field\":\"kind\""));
        assertEquals(404, Http.post("/api/v1/content/generate", "{\"kind\":\"ad-headline\",\"item\":\"no-such\"}",
                "admin", password).status);
        assertEquals(401, Http.post("/api/v1/content/generate", "{}", null, null).status);

        // A template dropped into etc/rialto/templates is used without a restart (name order: it comes first).
        java.nio.file.Path folder = Support.home().resolve("etc/rialto/templates/push-message/en");
        Support.write(folder, "0-itest.mustache", "Fresh from the folder: {{title}}");
        try {
            JsonNode fromFolder = Await.until("the folder template", Duration.ofSeconds(30), () -> {
                try {
                    JsonNode r = generate("{\"kind\":\"push-message\",\"item\":\"" + item.id() + "\"}", password);
                    return r.get("variants").get(0).get("text").asText().startsWith("Fresh from the folder: ") ? r
                            : null;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertAllPassed(fromFolder, 120);
            // FileInstall skips the folders of etc/: no bogus bundle made of etc/rialto
            for (org.osgi.framework.Bundle b : bundleContext.getBundles()) {
                assertFalse(b.getLocation(), b.getLocation().contains("etc/rialto"));
            }
        } finally {
            Files.deleteIfExists(folder.resolve("0-itest.mustache"));
        }

        String console = Support.execute(sessions, "rialto:generate push-message " + item.id()
                + " --provider grounded --locale en -n 2");
        assertTrue(console, console.startsWith("push-message (en) by grounded"));
        assertTrue(console, console.contains("passed"));
    }

    @Test
    public void copyAboutAUsersRecommendedItemsWithTheFirstNameOnlyWhereTheProfileConsents() throws Exception {
        Item item = demoItem();
        String password = Support.adminPassword();
        Await.until("the demo profiles", Duration.ofSeconds(120), () -> profiles.count() >= 1000 ? true : null);
        // Two profiles through ingestion (user ids pseudonymised there): one allows personalisation, one refuses.
        java.nio.file.Path dir = Files.createTempDirectory("cit");
        java.nio.file.Path file = dir.resolve("profiles-cit.csv");
        Files.writeString(file, "id,country,consent_personalisation,consent_email,consent_ads\n"
                + "cit-ida,SE,yes,yes,\ncit-ole,NO,no,yes,\n");
        String ingest = Support.execute(sessions, "rialto:ingest " + file);
        assertTrue(ingest, ingest.contains("stored 2"));
        Await.until("the cit profiles", Duration.ofSeconds(30), () -> profiles.find(pseudonymiser.userId("cit-ole"))
                .orElse(null));

        // The user by the caller's id; the body's claim of consent does not override the profile's refusal.
        String claim = "\"audience\":{\"firstName\":\"Ole\",\"consent\":{\"personalisation\":true}}";
        JsonNode ole = generate("{\"kind\":\"email-body\",\"item\":\"" + item.id() + "\",\"user\":\"cit-ole\","
                + claim + "}", password);
        assertAllPassed(ole, 2000);
        assertFalse(ole.toString(), java.util.regex.Pattern.compile("\\bOle\\b").matcher(ole.toString()).find());
        JsonNode ida = generate("{\"kind\":\"email-body\",\"item\":\"" + item.id() + "\",\"user\":\"cit-ida\","
                + "\"audience\":{\"firstName\":\"Ida\"}}", password);
        assertAllPassed(ida, 2000);
        assertTrue(ida.toString(), ida.get("variants").get(0).get("text").asText().startsWith("Hi Ida,"));

        // "recommend": the items come from the recommender for the demo user u0002, the email lists them.
        JsonNode rec = generate("{\"kind\":\"email-body\",\"user\":\"u0002\",\"recommend\":3,\"variants\":2}",
                password);
        assertAllPassed(rec, 2000);
        assertEquals(rec.toString(), 3, rec.get("items").size());
        String body = rec.get("variants").get(0).get("text").asText();
        for (JsonNode id : rec.get("items")) {
            Item recommended = items.find(id.asText()).orElseThrow();
            String start = recommended.title().substring(0, Math.min(12, recommended.title().length()));
            assertTrue(start + " in " + body, body.contains(start));
        }
        Http.Answer noUser = Http.post("/api/v1/content/generate", "{\"kind\":\"email-body\",\"recommend\":3}",
                "admin", password);
        assertEquals(noUser.body, 400, noUser.status);
        assertTrue(noUser.body, noUser.body.contains("\"field\":\"user\""));

        String console = Support.execute(sessions, "rialto:generate email-subject --user u0002 --recommend 2 "
                + "--locale zh");
        assertTrue(console, console.startsWith("email-subject (zh) by template"));
        assertTrue(console, console.contains("items: ") && console.contains("passed"));
    }

    @Test
    public void anOpenAiProviderIsUsedAndTheTemplateTakesOverWhenItMisbehaves() throws Exception {
        Item item = demoItem();
        String password = Support.adminPassword();
        try (LoopbackChat chat = new LoopbackChat()) {
            // A factory configuration: a second openai provider named "itest", as an operator would add one.
            Support.write(Support.home().resolve("etc"), "dev.rialto.content.llm.openai-itest.cfg",
                    "rialto.provider = itest\nbase.url = http://127.0.0.1:" + chat.port() + "/v1\nmodel = it\n"
                            + ".api.key = it-secret-key\ntimeout.seconds = 8\nmax.retries = 0\n");
            Await.until("the itest provider", Duration.ofSeconds(60),
                    () -> generator.providers().contains("itest") ? true : null);

            String good = "Discover the " + item.title();
            chat.reply(200, completion("[\"" + good.replace("\"", "\\\"") + "\"]"), 0);
            JsonNode ok = generate("{\"kind\":\"product-description\",\"locale\":\"en\",\"item\":\"" + item.id()
                    + "\",\"provider\":\"itest\"}", password);
            assertEquals(ok.toString(), "itest", ok.get("provider").asText());
            assertEquals(good, ok.get("variants").get(0).get("text").asText());
            assertEquals("Bearer it-secret-key", chat.authorization.get());

            chat.reply(500, "{\"error\":{\"message\":\"boom\"}}", 0);
            assertFallback(generate("{\"kind\":\"ad-description\",\"item\":\"" + item.id()
                    + "\",\"provider\":\"itest\"}", password), 90);

            // Longer than the provider's 8 s timeout (generous: the build machine is loaded).
            chat.reply(200, completion("[\"late\"]"), 11_000);
            assertFallback(generate("{\"kind\":\"email-subject\",\"item\":\"" + item.id()
                    + "\",\"provider\":\"itest\"}", password), 78);

            chat.reply(200, completion("[\"Guaranteed to cure boredom, only 1.99!\"]"), 0);
            int before = chat.calls.get();
            JsonNode banned = generate("{\"kind\":\"push-message\",\"item\":\"" + item.id()
                    + "\",\"provider\":\"itest\"}", password);
            assertFallback(banned, 120);
            assertEquals("first try and two regenerations", 3, chat.calls.get() - before);
            assertEquals(3, banned.get("attempts").asInt());

            chat.reply(200, "{\"choices\": [ {\"message\": ", 0);
            assertFallback(generate("{\"kind\":\"email-body\",\"item\":\"" + item.id()
                    + "\",\"provider\":\"itest\"}", password), 2000);
        } finally {
            Files.deleteIfExists(Support.home().resolve("etc/dev.rialto.content.llm.openai-itest.cfg"));
        }
        // Removing the configuration removes the provider from the registry.
        Await.until("the itest provider gone", Duration.ofSeconds(60),
                () -> generator.providers().contains("itest") ? null : true);
        // The key is configuration, never log output.
        String log = Files.readString(Support.home().resolve("data/log/karaf.log"));
        assertFalse("the API key must not be logged", log.contains("it-secret-key"));
    }

    private static void assertFallback(JsonNode answer, int maxLength) {
        assertEquals(answer.toString(), "template", answer.get("provider").asText());
        assertTrue(answer.get("fallback").asBoolean());
        assertEquals("itest", answer.get("requestedProvider").asText());
        assertAllPassed(answer, maxLength);
    }

    private static String completion(String content) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-it");
        root.put("object", "chat.completion");
        root.put("created", 1_760_000_000L);
        root.put("model", "it");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content);
        choice.put("finish_reason", "stop");
        root.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
        return root.toString();
    }

    /** A minimal HTTP/1.1 server on loopback that answers every request with the current scripted reply. */
    static final class LoopbackChat implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;
        private final AtomicReference<Object[]> reply = new AtomicReference<>(new Object[] {500, "{}", 0L});
        final AtomicReference<String> authorization = new AtomicReference<>();
        final AtomicInteger calls = new AtomicInteger();

        LoopbackChat() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "content-it-chat");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        void reply(int status, String body, long delayMillis) {
            reply.set(new Object[] {status, body, delayMillis});
        }

        private void serve() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    // One thread per call: a stalled answer must not hold up the next request.
                    Thread t = new Thread(() -> {
                        try (client) {
                            handle(client);
                        } catch (IOException | InterruptedException e) {
                            // the client gave up (a timeout)
                        }
                    }, "content-it-chat-call");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }

        private void handle(Socket client) throws IOException, InterruptedException {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            int length = 0;
            for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                } else if (lower.startsWith("authorization:")) {
                    authorization.set(line.substring(14).strip());
                }
            }
            in.readNBytes(length);
            calls.incrementAndGet();
            Object[] r = reply.get();
            Thread.sleep((Long) r[2]);
            byte[] bytes = ((String) r[1]).getBytes(StandardCharsets.UTF_8);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 " + r[0] + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
