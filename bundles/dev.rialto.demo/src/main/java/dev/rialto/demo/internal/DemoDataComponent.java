package dev.rialto.demo.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates the demo shop once: on activation, unless the marker {@code ${karaf.data}/rialto/demo.generated}
 * exists, it generates in a background thread, drops items, profiles and events into the inbox and writes the
 * marker. Delete the marker (and the store) to generate again.
 */
@Component(name = "dev.rialto.demo", configurationPid = "dev.rialto.demo", immediate = true, service = {})
@Designate(ocd = DemoDataComponent.Config.class)
public final class DemoDataComponent {

    @ObjectClassDefinition(name = "Rialto demo data",
            description = "Generates a deterministic demo shop into the ingestion inbox, once.")
    public @interface Config {
        @AttributeDefinition(description = "Generate the demo data when it was not generated before.")
        boolean enabled() default true;

        @AttributeDefinition(description = "Random seed; the same seed and reference time give the same files.")
        long seed() default DemoSettings.DEFAULT_SEED;

        @AttributeDefinition(description = "Number of users (at least 10).")
        int users() default DemoSettings.DEFAULT_USERS;

        @AttributeDefinition(description = "Number of items (at least 100).")
        int items() default DemoSettings.DEFAULT_ITEMS;

        @AttributeDefinition(description = "Minimum number of events.")
        int events() default DemoSettings.DEFAULT_EVENTS;

        @AttributeDefinition(name = "inbox.dir", description = "The ingestion inbox; empty means ${karaf.home}/inbox.")
        String inbox_dir() default "";

        @AttributeDefinition(name = "reference.time",
                description = "Events fall in the 90 days before this day (ISO-8601 instant or date, UTC); "
                        + "empty means today.")
        String reference_time() default "";
    }

    static final String MARKER = "rialto/demo.generated";

    private static final Logger LOG = LoggerFactory.getLogger(DemoDataComponent.class);

    private final UnaryOperator<String> systemProperties;
    private final Clock clock;
    private ExecutorService executor;
    private Future<?> task;

    public DemoDataComponent() {
        this(System::getProperty, Clock.systemUTC());
    }

    /** For tests: the system properties ({@code karaf.home}, {@code karaf.data}) and the clock to use. */
    DemoDataComponent(UnaryOperator<String> systemProperties, Clock clock) {
        this.systemProperties = systemProperties;
        this.clock = clock;
    }

    @Activate
    void activate(Config config) {
        if (!config.enabled()) {
            LOG.info("Demo data generation is disabled (enabled=false)");
            return;
        }
        DemoSettings settings = settings(config, clock);
        Path inbox = config.inbox_dir().isBlank() ? karafDir("karaf.home").resolve("inbox")
                : Paths.get(config.inbox_dir().strip());
        Path marker = karafDir("karaf.data").resolve(MARKER);
        if (Files.exists(marker)) {
            LOG.info("Demo data was generated before ({} exists); delete it to generate again", marker);
            return;
        }
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rialto-demo-generator");
            thread.setDaemon(true);
            return thread;
        });
        task = executor.submit(() -> generate(settings, inbox, marker));
    }

    @Deactivate
    void deactivate() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Demo data generator did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    /** For tests: waits for the background run; false when none was started. */
    boolean awaitGenerated(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        if (task == null) {
            return false;
        }
        task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    private void generate(DemoSettings settings, Path inbox, Path marker) {
        long started = System.nanoTime();
        try {
            DemoData data = new DemoGenerator(settings).generate();
            long generated = System.nanoTime();
            DemoDrop.dropAll(data, inbox);
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, "seed=" + settings.seed() + "\nreferenceTime=" + settings.referenceTime()
                    + "\nitems=" + data.items().size() + "\nusers=" + data.users().size() + "\nevents="
                    + data.events().size() + "\n", StandardCharsets.UTF_8);
            LOG.info("Demo data (seed {}): wrote {} items, {} profiles and {} events to {} in {} ms"
                    + " (generation {} ms)", settings.seed(), data.items().size(), data.users().size(),
                    data.events().size(), inbox, (System.nanoTime() - started) / 1_000_000,
                    (generated - started) / 1_000_000);
        } catch (IOException e) {
            LOG.error("Demo data generation failed: cannot write the marker {}", marker, e);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            LOG.error("Demo data generation into {} failed", inbox, e);
            throw e;
        }
    }

    private Path karafDir(String property) {
        String value = systemProperties.apply(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set"
                    + (property.equals("karaf.home") ? "; set inbox.dir" : ""));
        }
        return Paths.get(value);
    }

    /** Validates the configuration; every message names the property. */
    static DemoSettings settings(Config config, Clock clock) {
        Instant reference = referenceTime(config.reference_time(), clock);
        return new DemoSettings(config.seed(), config.users(), config.items(), config.events(), reference);
    }

    static Instant referenceTime(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return clock.instant().truncatedTo(ChronoUnit.DAYS);
        }
        String text = value.strip();
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("reference.time '" + text
                    + "' is neither an ISO-8601 instant (2025-01-31T00:00:00Z) nor a date (2025-01-31)", e);
        }
    }
}
