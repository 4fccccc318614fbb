package dev.rialto.scoring.onnx.internal.features;

/**
 * Item id to dense index: open addressing over the ids with a mixed hash. A {@code HashMap} of catalogue ids such
 * as {@code i0001..i2500} or numeric stock codes put many ids in one bin (their String hashes differ in a few low
 * digits only), so its look-ups walked tree bins; this is the hot look-up of the scorer (once per candidate and
 * once per history event). Immutable after construction.
 */
final class IdIndex {
    private final String[] keys;
    private final int[] values;
    private final int mask;

    /** Index i of {@code ids} maps to i; ids must be distinct and non-null. */
    IdIndex(String[] ids) {
        int size = Integer.highestOneBit(Math.max(2, ids.length) * 2) << 1; // load <= 1/2... 1/4
        keys = new String[size];
        values = new int[size];
        mask = size - 1;
        for (int i = 0; i < ids.length; i++) {
            int slot = mix(ids[i].hashCode()) & mask;
            while (keys[slot] != null) {
                slot = slot + 1 & mask;
            }
            keys[slot] = ids[i];
            values[slot] = i;
        }
    }

    /** The id's index, or -1 (null included). */
    int get(String id) {
        if (id == null) {
            return -1;
        }
        int slot = mix(id.hashCode()) & mask;
        for (String k; (k = keys[slot]) != null; slot = slot + 1 & mask) {
            if (k == id || k.equals(id)) {
                return values[slot];
            }
        }
        return -1;
    }

    /** Murmur3's finaliser: every bit of the String hash reaches the low bits. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ h >>> 16;
    }
}
