package dev.rialto.rest.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CredentialCacheTest {
    private final AtomicLong clock = new AtomicLong();

    @Test
    void keysAreKeyedHashesNotThePassword() throws Exception {
        CredentialCache cache = new CredentialCache(60, clock::get, 100);
        cache.put("alice:pa55word", "alice", Set.of("rialto-admin"));
        Field field = CredentialCache.class.getDeclaredField("entries");
        field.setAccessible(true);
        Map<?, ?> entries = (Map<?, ?>) field.get(cache);
        String key = (String) entries.keySet().iterator().next();
        assertEquals(44, key.length()); // base64 of 32 bytes
        assertTrue(!key.contains("pa55word") && !key.contains("alice"));
        // A second process (cache) has another key: the hash is useless outside this JVM's cache.
        CredentialCache other = new CredentialCache(60, clock::get, 100);
        other.put("alice:pa55word", "alice", Set.of());
        assertTrue(!((Map<?, ?>) field.get(other)).containsKey(key));
    }

    @Test
    void fullCacheDropsExpiredThenEverything() {
        CredentialCache cache = new CredentialCache(1, clock::get, 2);
        cache.put("a:1", "a", Set.of());
        clock.addAndGet(2_000_000_000L);
        cache.put("b:2", "b", Set.of());
        cache.put("c:3", "c", Set.of()); // a is expired and evicted
        assertEquals(2, cache.size());
        assertNull(cache.get("a:1"));
        assertNotNull(cache.get("b:2"));
        cache.put("d:4", "d", Set.of()); // nothing expired: cleared
        assertEquals(1, cache.size());
        assertNotNull(cache.get("d:4"));
    }
}
