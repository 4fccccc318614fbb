package dev.rialto.scoring.onnx.internal.registry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reference count that starts at one (the holder's) and cannot be taken again once it reached zero: what a
 * request needs of a model session or of a snapshot's tensors before it uses them.
 */
public final class RefCount {
    private final AtomicInteger count = new AtomicInteger(1);

    /** Takes a reference unless the count already reached zero (the resource is closed). */
    public boolean acquire() {
        while (true) {
            int now = count.get();
            if (now == 0) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; true when it was the last one (the caller closes the resource). */
    public boolean release() {
        return count.decrementAndGet() == 0;
    }

    public boolean isZero() {
        return count.get() == 0;
    }
}
