package dev.rialto.campaigns.internal.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryException;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The email channel through camel-mail against a real SMTP server (GreenMail) on loopback. */
class EmailChannelTest {
    GreenMail smtp;
    DefaultCamelContext camel;
    int port;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        smtp.stop();
    }

    static Delivery mail(String id, String address, String body) {
        return new Delivery(id, "weekly", "run-1", "A", "u1", address, "Your picks", body, List.of("i1"), null,
                Map.of(), Instant.now());
    }

    @Test
    void sendsPlainTextWithTheDeliveryIdAndUnsubscribeLink() throws Exception {
        EmailChannel channel = new EmailChannel(camel, new EmailChannel.Settings("127.0.0.1", port, false, "", "",
                "shop@example.org", "https://shop.example.org/unsubscribe?p={profile}", 5000));
        channel.deliver(mail("run-1:u1:1", "ann@example.org", "Hello Ann,\nthree picks for you."));
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertEquals("Your picks", m.getSubject());
        assertEquals("ann@example.org", m.getAllRecipients()[0].toString());
        assertEquals("shop@example.org", m.getFrom()[0].toString());
        assertEquals("run-1:u1:1", m.getHeader("X-Rialto-Delivery-Id")[0]);
        assertEquals("<https://shop.example.org/unsubscribe?p=u1>", m.getHeader("List-Unsubscribe")[0]);
        assertTrue(m.getContent().toString().contains("three picks for you"));
        channel.close();
    }

    @Test
    void aMissingAddressOrBodyFailsForGoodAServerThatIsDownIsRetried() {
        EmailChannel channel = new EmailChannel(camel, new EmailChannel.Settings("127.0.0.1", port, false, "", "",
                "shop@example.org", "", 2000));
        assertFalse(assertThrows(DeliveryException.class, () -> channel.deliver(mail("a", null, "x"))).retryable());
        assertFalse(assertThrows(DeliveryException.class, () -> channel.deliver(mail("b", "b@example.org", " ")))
                .retryable());
        smtp.stop();
        DeliveryException down = assertThrows(DeliveryException.class,
                () -> channel.deliver(mail("c", "c@example.org", "Hello")));
        assertTrue(down.retryable(), down.getMessage());
        assertTrue(down.getMessage().startsWith("SMTP 127.0.0.1: "), down.getMessage());
        channel.close();
    }
}
