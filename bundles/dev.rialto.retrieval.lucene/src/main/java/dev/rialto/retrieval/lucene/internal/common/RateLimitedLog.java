package dev.rialto.retrieval.lucene.internal.common;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/** Logs a recurring warning at most once per interval, with how many were suppressed in between. */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    public void warn(String message, Object arg, Throwable error) {
        long now = System.nanoTime();
        long prev = last.get();
        if (prev != Long.MIN_VALUE && now - prev < intervalNanos || !last.compareAndSet(prev, now)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        log.warn(message + " ({} similar warnings suppressed)", arg, skipped, error);
    }
}
