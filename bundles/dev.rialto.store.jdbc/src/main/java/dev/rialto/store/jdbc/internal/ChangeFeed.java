package dev.rialto.store.jdbc.internal;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the change listeners (index, popularity counters, ads, the scorer) after a commit, on a thread of its own,
 * one notification at a time in the order they were handed over. An append hands its notification over and returns:
 * the writer that committed it goes on with the next chunk while the listeners catch up (their work was a fifth of an
 * ingest writer's time, docs/benchmarks.md). At most {@link #CAPACITY} notifications wait; a writer that would add
 * one more waits, so a slow listener slows ingestion instead of filling the heap.
 *
 * <p>One feed per DataSource, shared by this bundle's repositories without wiring, like {@link RecentHistory}: an
 * erasure's notification goes through the same feed and {@link #runAndWait waits} for it, so the listeners always
 * hear of an event before they hear that it was erased. The thread ends when it has been idle for a few seconds
 * (nothing to stop when the bundle stops).
 */
final class ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final Map<DataSource, ChangeFeed> BY_SOURCE = new WeakHashMap<>();
    /** Notifications waiting at most: four chunks of a file. */
    static final int CAPACITY = 4;

    private final Semaphore room = new Semaphore(CAPACITY);
    private final ThreadPoolExecutor thread;
    private volatile Thread current;

    private ChangeFeed() {
        thread = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread t = new Thread(task, "rialto-change-feed");
            t.setDaemon(true);
            return t;
        });
        thread.allowCoreThreadTimeOut(true);
    }

    static ChangeFeed of(DataSource dataSource) {
        synchronized (BY_SOURCE) {
            return BY_SOURCE.computeIfAbsent(dataSource, d -> new ChangeFeed());
        }
    }

    /** Queues the notification behind the ones handed over before; waits while {@link #CAPACITY} are waiting. */
    void submit(Runnable notification) {
        if (Thread.currentThread() == current) {
            notification.run(); // a listener that stores: queueing behind itself would never end
            return;
        }
        room.acquireUninterruptibly();
        try {
            thread.execute(() -> {
                try {
                    run(notification);
                } finally {
                    room.release();
                }
            });
        } catch (RuntimeException e) {
            room.release();
            throw e;
        }
    }

    /** Runs the notification after every one handed over before, and returns when it ran. */
    void runAndWait(Runnable notification) {
        if (Thread.currentThread() == current) {
            notification.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                run(notification);
            } finally {
                done.complete(null);
            }
        });
        done.join();
    }

    /** Returns when every notification handed over so far was delivered (tests, benchmarks, shutdown). */
    void await() {
        runAndWait(() -> { });
    }

    private void run(Runnable notification) {
        current = Thread.currentThread();
        try {
            notification.run();
        } catch (RuntimeException e) {
            LOG.warn("A change notification failed", e); // listeners are guarded one by one; this is a last resort
        }
    }
}
