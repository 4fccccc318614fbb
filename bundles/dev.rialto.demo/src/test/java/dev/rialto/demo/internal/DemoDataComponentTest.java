package dev.rialto.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataComponentTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T13:45:00Z"), ZoneOffset.UTC);

    @TempDir
    Path home;

    @Test
    void dropsTheThreeFilesCompleteAndWritesTheMarker() throws Exception {
        Path inbox = home.resolve("inbox");
        Map<Path, Long> firstSeenSize = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        // Watch the inbox while generating: a file that becomes visible must already be complete.
        Thread watcher = new Thread(() -> {
            while (!done.get()) {
                for (String name : List.of(DemoDrop.ITEMS, DemoDrop.PROFILES, DemoDrop.EVENTS)) {
                    Path file = inbox.resolve(name);
                    try {
                        if (Files.exists(file)) {
                            firstSeenSize.putIfAbsent(file, Files.size(file));
                        }
                    } catch (IOException ignored) {
                        // renamed under us; the next round sees it
                    }
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        DemoDataComponent component = component();
        component.activate(config(true, 200, 300, 20_000, ""));
        assertTrue(component.awaitGenerated(Duration.ofSeconds(20)));
        done.set(true);
        watcher.join();
        component.deactivate();

        for (String name : List.of(DemoDrop.ITEMS, DemoDrop.PROFILES, DemoDrop.EVENTS)) {
            Path file = inbox.resolve(name);
            assertTrue(Files.exists(file), name);
            // The watcher may stop before it sees the last file; a file it did see must have been complete.
            Long seen = firstSeenSize.get(file);
            if (seen != null) {
                assertEquals(Files.size(file), seen, name + " was visible before it was complete");
            }
        }
        assertEquals(301, Files.readAllLines(inbox.resolve(DemoDrop.ITEMS)).size()); // no line breaks in fields
        assertEquals(201, Files.readAllLines(inbox.resolve(DemoDrop.PROFILES)).size());
        assertTrue(Files.readAllLines(inbox.resolve(DemoDrop.EVENTS)).size() > 20_000);
        try (Stream<Path> files = Files.walk(inbox)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
        String marker = Files.readString(home.resolve("data").resolve(DemoDataComponent.MARKER));
        assertTrue(marker.contains("seed=42"), marker);
        // reference.time empty: today, truncated to the day
        assertTrue(marker.contains("referenceTime=2025-06-01T00:00:00Z"), marker);
    }

    @Test
    void generatesOnlyOnceBecauseOfTheMarker() throws Exception {
        DemoDataComponent first = component();
        first.activate(config(true, 20, 100, 500, ""));
        assertTrue(first.awaitGenerated(Duration.ofSeconds(20)));
        first.deactivate();
        Path events = home.resolve("inbox").resolve(DemoDrop.EVENTS);
        Files.delete(events); // as if the file route had consumed it

        DemoDataComponent second = component();
        second.activate(config(true, 20, 100, 500, ""));
        assertFalse(second.awaitGenerated(Duration.ofSeconds(1)), "nothing started");
        second.deactivate();
        assertFalse(Files.exists(events));
    }

    @Test
    void disabledGeneratesNothing() throws Exception {
        DemoDataComponent component = component();
        component.activate(config(false, 20, 100, 500, ""));
        assertFalse(component.awaitGenerated(Duration.ofSeconds(1)));
        assertFalse(Files.exists(home.resolve("inbox")));
        assertFalse(Files.exists(home.resolve("data").resolve(DemoDataComponent.MARKER)));
    }

    @Test
    void inboxDirOverridesKarafHome() throws Exception {
        Path custom = home.resolve("elsewhere");
        DemoDataComponent component = component();
        component.activate(config(true, 20, 100, 500, custom.toString()));
        assertTrue(component.awaitGenerated(Duration.ofSeconds(20)));
        assertTrue(Files.exists(custom.resolve(DemoDrop.ITEMS)));
        assertFalse(Files.exists(home.resolve("inbox")));
    }

    @Test
    void invalidConfigurationNamesTheProperty() {
        DemoDataComponent component = component();
        IllegalArgumentException users = assertThrows(IllegalArgumentException.class,
                () -> component.activate(config(true, 5, 100, 500, "")));
        assertTrue(users.getMessage().startsWith("users "), users.getMessage());
        IllegalArgumentException items = assertThrows(IllegalArgumentException.class,
                () -> component.activate(config(true, 20, 10, 500, "")));
        assertTrue(items.getMessage().startsWith("items "), items.getMessage());
        IllegalArgumentException time = assertThrows(IllegalArgumentException.class,
                () -> component.activate(new TestConfig(true, 42, 20, 100, 500, "", "last tuesday")));
        assertTrue(time.getMessage().startsWith("reference.time "), time.getMessage());

        DemoDataComponent noKaraf = new DemoDataComponent(name -> null, CLOCK);
        IllegalStateException home = assertThrows(IllegalStateException.class,
                () -> noKaraf.activate(config(true, 20, 100, 500, "")));
        assertTrue(home.getMessage().contains("karaf.home"), home.getMessage());
    }

    @Test
    void referenceTimeAcceptsAnInstantOrADate() {
        assertEquals(Instant.parse("2024-02-03T00:00:00Z"), DemoDataComponent.referenceTime("2024-02-03", CLOCK));
        assertEquals(Instant.parse("2024-02-03T10:00:00Z"),
                DemoDataComponent.referenceTime("2024-02-03T10:00:00Z", CLOCK));
        assertEquals(Instant.parse("2025-06-01T00:00:00Z"), DemoDataComponent.referenceTime(" ", CLOCK));
    }

    private DemoDataComponent component() {
        Map<String, String> properties = Map.of("karaf.home", home.toString(),
                "karaf.data", home.resolve("data").toString());
        return new DemoDataComponent(properties::get, CLOCK);
    }

    private static DemoDataComponent.Config config(boolean enabled, int users, int items, int events, String inbox) {
        return new TestConfig(enabled, 42, users, items, events, inbox, "");
    }

    private record TestConfig(boolean enabled, long seed, int users, int items, int events, String inbox_dir,
            String reference_time) implements DemoDataComponent.Config {
        @Override
        public Class<? extends Annotation> annotationType() {
            return DemoDataComponent.Config.class;
        }
    }
}
