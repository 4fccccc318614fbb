package dev.rialto.retrieval.lucene.internal.index;

/**
 * A value kept for each of the last two readers (or searchers) it was put for. Why two: a refresh builds the next
 * reader's structures before that reader is published, while requests still run on the current one; with a single
 * slot each would evict the other's on every call until the switch.
 *
 * @param <V> what is kept per reader
 */
final class ReaderSlots<V> {

    private record Slot<V>(Object reader, V value) {
    }

    private volatile Slot<V> newer;
    private volatile Slot<V> older;

    /** The value kept for the reader, or null. */
    V get(Object reader) {
        Slot<V> s = newer;
        if (s != null && s.reader() == reader) {
            return s.value();
        }
        s = older;
        return s != null && s.reader() == reader ? s.value() : null;
    }

    /**
     * Keeps the value for the reader: in its own slot when it has one, otherwise as the newer, and the reader that
     * was newer becomes the older (the one before is dropped).
     */
    synchronized void put(Object reader, V value) {
        Slot<V> n = newer;
        Slot<V> o = older;
        if (n != null && n.reader() == reader) {
            newer = new Slot<>(reader, value);
        } else if (o != null && o.reader() == reader) {
            older = new Slot<>(reader, value);
        } else {
            older = n;
            newer = new Slot<>(reader, value);
        }
    }

    /** The reader put last as new (null when none), and its value through {@link #get}. */
    Object newestReader() {
        Slot<V> s = newer;
        return s == null ? null : s.reader();
    }

    synchronized void clear() {
        newer = null;
        older = null;
    }
}
