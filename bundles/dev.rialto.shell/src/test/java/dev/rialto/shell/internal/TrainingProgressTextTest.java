package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.models.TrainingJob;
import dev.rialto.api.models.TrainingProgress;
import dev.rialto.api.models.TrainingReport;
import dev.rialto.api.models.TrainingService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainingProgressTextTest {

    /** Trains "ranker" and "behaviour-ials" instantly, reporting a few progress steps each. */
    static final class Service implements TrainingService {
        final List<String> calls = new ArrayList<>();

        @Override
        public List<String> trainable() {
            return List.of("ranker", "behaviour-ials");
        }

        @Override
        public List<TrainingReport> train(String model, boolean force, TrainingProgress progress) {
            calls.add(model + "/" + force);
            if (model != null && !trainable().contains(model)) {
                throw new IllegalArgumentException("model '" + model + "' is not trained here; known: " + trainable());
            }
            List<TrainingReport> out = new ArrayList<>();
            for (String name : model == null ? trainable() : List.of(model)) {
                progress.update(name, "fit", 0.25);
                progress.update(name, "fit", 0.25);
                progress.update(name, "evaluation", 0.5);
                progress.update(name, "done", 1);
                out.add(new TrainingReport(TrainingReport.Status.PROMOTED, name, "v1", Fakes.T0, Fakes.T0, 1, 1, null,
                        null, "ok"));
            }
            return out;
        }

        @Override
        public TrainingJob submit(String model, boolean force) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<TrainingJob> job(String id) {
            return Optional.empty();
        }

        @Override
        public List<TrainingReport> trainIfDue(String cron) {
            return List.of();
        }
    }

    private static String run(TrainingService service, String model, boolean force) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TrainingText.train(service, model, force, console);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void drawsTheBarInPlaceOncePerChangeThenEveryReport() {
        Service service = new Service();
        String out = run(service, null, true);
        assertEquals(List.of("null/true"), service.calls);
        assertEquals(6, out.split("\r", -1).length - 1, "three distinct lines per model, the repeat not redrawn: "
                + out);
        assertTrue(out.contains("\rranker           [#######.......................]  25% fit"), out);
        assertTrue(out.contains("\rbehaviour-ials   [##############################] 100% done"), out);
        assertTrue(out.contains("Model      ranker@v1\n"), out);
        assertTrue(out.contains("Model      behaviour-ials@v1\n"), out);
    }

    @Test
    void oneModelByName() {
        Service service = new Service();
        String out = run(service, "behaviour-ials", false);
        assertEquals(List.of("behaviour-ials/false"), service.calls);
        assertTrue(!out.contains("ranker"), out);
    }

    @Test
    void unknownModelAndMissingServiceAreSaid() {
        String out = run(new Service(), "nope", true);
        assertTrue(out.startsWith("error: model 'nope' is not trained here; known: [ranker, behaviour-ials]"), out);
        assertTrue(run(null, null, true).startsWith("Model trainer: not available"));
    }
}
