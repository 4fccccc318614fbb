package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.retrieval.IndexAdmin;
import dev.rialto.api.retrieval.IndexStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.api.Test;

class IndexTextTest {

    /** Answers a fixed status and replays fixed progress steps. */
    static final class FakeAdmin implements IndexAdmin {
        IndexStatus status;
        final List<Boolean> checks = new ArrayList<>();
        RuntimeException failure;

        @Override
        public IndexStatus status(boolean check) {
            checks.add(check);
            return status;
        }

        @Override
        public RebuildResult rebuild(Progress progress) {
            progress.update(1000, 2500);
            progress.update(1000, 2500);
            progress.update(2000, 2500);
            if (failure != null) {
                throw failure;
            }
            progress.update(2500, 2500);
            return new RebuildResult(2500, 3, Duration.ofMillis(4250));
        }
    }

    @Test
    void barFillsInProportionAndGroupsThousands() {
        assertEquals("[##########....................] 1,250/3,750 items", IndexText.bar(1250, 3750));
        assertEquals("[..............................] 0/2,500 items", IndexText.bar(0, 2500));
        assertEquals("[#############################.] 2,499/2,500 items", IndexText.bar(2499, 2500));
        assertEquals("[##############################] 2,500/2,500 items", IndexText.bar(2500, 2500));
        assertEquals("[##############################] 0/0 items", IndexText.bar(0, 0));
    }

    @Test
    void statusWithoutCheck() {
        FakeAdmin admin = new FakeAdmin();
        admin.status = new IndexStatus(2480, 7, 2500, 20, null, Map.of("minilm", 2400L, "bge-zh", 80L),
                Fakes.T0, Fakes.T0.plusSeconds(5), null);
        assertEquals("""
                Documents    2,480
                Store items  2,500
                Lag          20 items behind the store
                Segments     7
                Vectors      bge-zh=80  minilm=2,400
                Last commit  2025-06-01T10:00:00Z
                Last update  2025-06-01T10:00:05Z
                Rebuild      -
                Consistency  not checked (use --check)
                """, IndexText.status(admin, false));
        assertEquals(List.of(false), admin.checks);
    }

    @Test
    void statusWithCheckAndARunningRebuild() {
        FakeAdmin admin = new FakeAdmin();
        admin.status = new IndexStatus(12, 1, 12, 0,
                new IndexStatus.Consistency(11, 1, List.of("a", "b"), List.of("z")), Map.of(), null, null,
                new IndexStatus.RebuildProgress(3, 12, Fakes.T0));
        String text = IndexText.status(admin, true);
        assertEquals(List.of(true), admin.checks);
        assertTrue(text.contains("Lag          0\n"), text);
        assertTrue(text.contains("Vectors      -\nLast commit  -\nLast update  -\n"), text);
        assertTrue(text.contains("Rebuild      running since 2025-06-01T10:00:00Z [#######.......................] "
                + "3/12 items\n"), text);
        assertTrue(text.contains("Consistency  11 missing from the index (a, b, ...); 1 not in the store (z) "
                + "(rialto:index-rebuild repairs both)\n"), text);

        admin.status = new IndexStatus(1, 1, 1, 0, new IndexStatus.Consistency(0, 0, null, null), Map.of(), null,
                null, null);
        assertTrue(IndexText.status(admin, true).contains("Consistency  OK:"));
    }

    @Test
    void rebuildDrawsTheBarInPlaceThenTheResult() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IndexText.rebuild(new FakeAdmin(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("\r[############..................] 1,000/2,500 items"
                + "\r[########################......] 2,000/2,500 items"
                + "\r[##############################] 2,500/2,500 items\n"
                + "Rebuilt the item index: 2,500 items indexed, 3 stale documents removed, in 4.3 s\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void errorsAndAMissingIndexAreReported() {
        FakeAdmin admin = new FakeAdmin();
        admin.failure = new IllegalStateException("A rebuild of the item index is already running");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IndexText.rebuild(admin, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertTrue(bytes.toString(StandardCharsets.UTF_8)
                .endsWith("2,000/2,500 items\nerror: A rebuild of the item index is already running\n"));

        bytes.reset();
        IndexText.rebuild(null, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("Item index: not available"));
        assertTrue(IndexText.status(null, true).startsWith("Item index: not available"));
        admin.status = null;
        assertTrue(IndexText.status(new IndexAdmin() {
            @Override
            public IndexStatus status(boolean check) {
                throw new IllegalStateException("The item index is not open");
            }

            @Override
            public RebuildResult rebuild(Progress progress) {
                return null;
            }
        }, false).equals("error: The item index is not open\n"));
    }

    @Test
    void commandsAreKarafServicesWithOptionalReferences() throws Exception {
        assertEquals("index-status", IndexStatusCommand.class.getAnnotation(Command.class).name());
        assertEquals("index-rebuild", IndexRebuildCommand.class.getAnnotation(Command.class).name());
        for (Class<?> type : List.of(IndexStatusCommand.class, IndexRebuildCommand.class)) {
            assertNotNull(type.getAnnotation(Service.class));
            assertEquals("rialto", type.getAnnotation(Command.class).scope());
            Reference ref = type.getDeclaredField("admin").getAnnotation(Reference.class);
            assertTrue(ref.optional(), type.getSimpleName());
        }
        assertEquals("--check",
                IndexStatusCommand.class.getDeclaredField("check").getAnnotation(Option.class).name());
    }
}
