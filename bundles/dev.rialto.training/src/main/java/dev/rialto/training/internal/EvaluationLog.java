package dev.rialto.training.internal;

import dev.rialto.api.models.EvaluationReport;
import dev.rialto.api.models.TrainingReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kept reports of a model's runs: {@code <models dir>/<name>/.evaluations/<startedAt>.json}, the start time
 * in the version format ({@code yyyyMMdd'T'HHmmssSSS'Z'}), so file names sort by time. The folder starts with
 * '.' because the registry takes every other sub-folder of {@code <name>/} for a version (and would refuse it).
 * The newest {@value #KEEP} are kept.
 */
final class EvaluationLog {
    static final int KEEP = 100;
    static final String FOLDER = ".evaluations";
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationLog.class);

    private final Path dir;

    EvaluationLog(Path modelsDir, String name) {
        this.dir = modelsDir.resolve(name).resolve(FOLDER);
    }

    Path dir() {
        return dir;
    }

    /** Writes the report (atomically, by rename) and removes the oldest beyond {@value #KEEP}. */
    Path write(EvaluationReport report) {
        try {
            Files.createDirectories(dir);
            String base = ModelFolder.VERSION.format(report.startedAt());
            Path target = dir.resolve(base + ".json");
            for (int n = 1; Files.exists(target); n++) {
                target = dir.resolve(base + "-" + n + ".json");
            }
            Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
            Files.writeString(tmp, Json.write(toJson(report)), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            List<Path> all = files();
            for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
                Files.deleteIfExists(old);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the evaluation report in " + dir, e);
        }
    }

    /** The newest reports first; files that cannot be read are skipped with a warning. */
    List<EvaluationReport> list(int limit) {
        List<EvaluationReport> out = new ArrayList<>();
        for (Path file : files()) {
            if (out.size() >= limit) {
                break;
            }
            try {
                out.add(fromJson(Json.parse(Files.readString(file, StandardCharsets.UTF_8))));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Skipping the evaluation report {}: {}", file, e.getMessage());
            }
        }
        return out;
    }

    /** The report files, newest first. */
    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "[0-9]*.json")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        // "...Z.json" sorts before "...Z-1.json": compare the names without the extension.
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString().replace(".json", "")).reversed());
        return files;
    }

    static Map<String, Object> toJson(EvaluationReport r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("modelName", r.modelName());
        out.put("startedAt", r.startedAt().toString());
        out.put("finishedAt", r.finishedAt().toString());
        out.put("status", r.status().name());
        out.put("version", r.version());
        out.put("liveVersion", r.liveVersion());
        out.put("liveSource", r.liveSource());
        out.put("promoteMetric", r.promoteMetric());
        out.put("winner", r.winner());
        Map<String, Object> results = new LinkedHashMap<>();
        r.results().forEach((k, v) -> results.put(k, ModelCard.finite(v)));
        out.put("results", results);
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("from", str(r.dataFrom()));
        split.put("cutoff", str(r.cutoff()));
        split.put("splitAt", str(r.splitAt()));
        split.put("to", str(r.dataTo()));
        out.put("split", split);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("events", r.events());
        counts.put("trainRows", r.trainRows());
        counts.put("testRows", r.testRows());
        counts.put("evalUsers", r.evalUsers());
        counts.put("fullRankUsers", r.fullRankUsers());
        out.put("counts", counts);
        out.put("message", r.message());
        return out;
    }

    private static String str(Instant t) {
        return t == null ? null : t.toString();
    }

    static EvaluationReport fromJson(Object parsed) {
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        if (m.get("results") instanceof Map<?, ?> rs) {
            rs.forEach((k, v) -> {
                Map<String, Double> metrics = new LinkedHashMap<>();
                if (v instanceof Map<?, ?> vm) {
                    vm.forEach((mk, mv) -> {
                        if (mv instanceof Double d) {
                            metrics.put(String.valueOf(mk), d);
                        }
                    });
                }
                results.put(String.valueOf(k), metrics);
            });
        }
        Map<?, ?> split = m.get("split") instanceof Map<?, ?> s ? s : Map.of();
        Map<?, ?> counts = m.get("counts") instanceof Map<?, ?> c ? c : Map.of();
        return new EvaluationReport(text(m, "modelName"), instant(m.get("startedAt")), instant(m.get("finishedAt")),
                TrainingReport.Status.valueOf(text(m, "status")), text(m, "version"), text(m, "liveVersion"),
                text(m, "liveSource"), text(m, "promoteMetric"), text(m, "winner"), results,
                instant(split.get("from")), instant(split.get("cutoff")), instant(split.get("splitAt")),
                instant(split.get("to")), number(counts, "events"), number(counts, "trainRows"),
                number(counts, "testRows"), (int) number(counts, "evalUsers"), (int) number(counts, "fullRankUsers"),
                text(m, "message"));
    }

    private static String text(Map<?, ?> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }

    private static Instant instant(Object o) {
        return o instanceof String s ? Instant.parse(s) : null;
    }

    private static long number(Map<?, ?> m, String key) {
        return m.get(key) instanceof Double d ? d.longValue() : 0;
    }
}
