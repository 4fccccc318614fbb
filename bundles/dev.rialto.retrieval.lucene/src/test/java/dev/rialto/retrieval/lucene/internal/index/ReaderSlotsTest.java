package dev.rialto.retrieval.lucene.internal.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ReaderSlotsTest {

    private final Object a = new Object();
    private final Object b = new Object();
    private final Object c = new Object();

    @Test
    void keepsTheLastTwoReadersAndReplacesInPlace() {
        ReaderSlots<String> slots = new ReaderSlots<>();
        assertNull(slots.get(a));
        assertNull(slots.newestReader());
        slots.put(a, "a1");
        slots.put(b, "b1");
        assertEquals("a1", slots.get(a), "the current reader's value stays while the next one's is built");
        assertEquals("b1", slots.get(b));
        assertSame(b, slots.newestReader());

        slots.put(a, "a2");
        assertEquals("a2", slots.get(a), "replaced in its own slot");
        assertSame(b, slots.newestReader(), "without becoming the newest");

        slots.put(c, "c1");
        assertNull(slots.get(a), "the oldest is dropped");
        assertEquals("b1", slots.get(b));
        assertEquals("c1", slots.get(c));

        slots.clear();
        assertNull(slots.get(b));
        assertNull(slots.get(c));
    }
}
