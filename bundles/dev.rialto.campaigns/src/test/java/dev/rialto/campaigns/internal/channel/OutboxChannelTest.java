package dev.rialto.campaigns.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxChannelTest {
    @TempDir
    Path tmp;

    @Test
    void aRepeatedDeliveryIsWrittenOnceEvenAfterARestart() throws Exception {
        OutboxChannel box = new OutboxChannel(tmp, false);
        box.deliver(WebhookChannelTest.delivery("d1"));
        box.deliver(WebhookChannelTest.delivery("d1"));
        box.deliver(WebhookChannelTest.delivery("d2"));
        box.close();
        OutboxChannel restarted = new OutboxChannel(tmp, true);
        restarted.deliver(WebhookChannelTest.delivery("d2"));
        restarted.deliver(WebhookChannelTest.delivery("d3"));
        restarted.close();
        List<String> lines = Files.readAllLines(box.file("weekly", "run-1"));
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(2).contains("\"deliveryId\":\"d3\""));
    }

    @Test
    void aTornLastLineIsCutOffAndItsDeliveryWrittenAgain() throws Exception {
        OutboxChannel box = new OutboxChannel(tmp, false);
        box.deliver(WebhookChannelTest.delivery("d1"));
        box.close();
        Path file = box.file("weekly", "run-1");
        Files.writeString(file, "{\"deliveryId\":\"d2\",\"campa", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        OutboxChannel restarted = new OutboxChannel(tmp, false);
        restarted.deliver(WebhookChannelTest.delivery("d2"));
        restarted.close();
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("{\"deliveryId\":\"d2\",\"campaign\":\"weekly\""), lines.get(1));
    }
}
