package dev.rialto.ads.internal.beacon;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed beacon tokens: a filled decision's id and creative with an expiry, MACed (HMAC-SHA256) with a server
 * secret. The impression and click beacons accept only such tokens, so a collector (an API key on a web page) can
 * report what the server decided but cannot invent deliveries or charge a campaign it was not shown.
 * Format: {@code base64url(decision \n creative \n expiry-epoch-seconds) "." base64url(mac)}.
 */
public final class BeaconTokens implements Beacons {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAX_TOKEN = 1024;

    /** A verified token's content. */
    public record Claim(String decisionId, String creativeId, Instant expires) {
    }

    /** Why a token was refused. */
    public static final class BadTokenException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean expired;

        BadTokenException(String message, boolean expired) {
            super(message);
            this.expired = expired;
        }

        public boolean expired() {
            return expired;
        }
    }

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param secret the signing secret, at least 16 bytes; null or empty: a random one (tokens then die with the
     *               process, as the decisions they name do)
     */
    public BeaconTokens(String secret, Duration ttl, Clock clock) {
        byte[] bytes;
        if (secret == null || secret.isBlank()) {
            bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
        } else {
            bytes = secret.strip().getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 16) {
                throw new IllegalArgumentException("beacon.secret must be at least 16 characters (or empty for a"
                        + " random one per start)");
            }
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public String sign(String decisionId, String creativeId) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String payload = decisionId + "\n" + creativeId + "\n" + expires;
        byte[] raw = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(raw) + "." + ENCODER.encodeToString(mac(raw));
    }

    /** @throws BadTokenException when the token is malformed, not signed by this server, or expired */
    @Override
    public Claim verify(String token) throws BadTokenException {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN) {
            throw new BadTokenException("token is missing or too long", false);
        }
        int dot = token.indexOf('.');
        byte[] raw;
        byte[] mac;
        try {
            raw = DECODER.decode(token.substring(0, Math.max(0, dot)));
            mac = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new BadTokenException("token is malformed", false);
        }
        if (dot < 0 || !MessageDigest.isEqual(mac, mac(raw))) {
            throw new BadTokenException("token signature is invalid", false);
        }
        String[] parts = new String(raw, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 3) {
            throw new BadTokenException("token is malformed", false);
        }
        Instant expires;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            throw new BadTokenException("token is malformed", false);
        }
        if (clock.instant().isAfter(expires)) {
            throw new BadTokenException("token expired at " + expires, true);
        }
        return new Claim(parts[0], parts[1], expires);
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
