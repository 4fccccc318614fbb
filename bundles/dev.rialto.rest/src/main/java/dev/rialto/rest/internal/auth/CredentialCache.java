package dev.rialto.rest.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Successful logins, kept for a short time. The key is an HMAC-SHA256 of the credentials under a random key made
 * per process, so neither the password nor an offline-crackable hash of it is held.
 */
final class CredentialCache {
    private static final String HMAC = "HmacSHA256";

    /** A cached login. */
    record Entry(String user, Set<String> roles, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final int maxEntries;
    private final SecretKeySpec key;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    CredentialCache(long ttlSeconds, LongSupplier nanoClock, int maxEntries) {
        this.ttlNanos = ttlSeconds * 1_000_000_000L;
        this.nanoClock = nanoClock;
        this.maxEntries = maxEntries;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, HMAC);
    }

    /** The cached login for these credentials, or null when absent or expired. */
    Entry get(String credentials) {
        String k = keyOf(credentials);
        Entry entry = entries.get(k);
        if (entry == null) {
            return null;
        }
        if (nanoClock.getAsLong() - entry.expiresAtNanos() >= 0) {
            entries.remove(k, entry);
            return null;
        }
        return entry;
    }

    void put(String credentials, String user, Set<String> roles) {
        if (entries.size() >= maxEntries) {
            evict();
        }
        entries.put(keyOf(credentials), new Entry(user, Set.copyOf(roles), nanoClock.getAsLong() + ttlNanos));
    }

    int size() {
        return entries.size();
    }

    private void evict() {
        long now = nanoClock.getAsLong();
        entries.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
        if (entries.size() >= maxEntries) {
            // Many distinct live credentials: dropping all costs only fresh logins.
            entries.clear();
        }
    }

    private String keyOf(String credentials) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(credentials.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
