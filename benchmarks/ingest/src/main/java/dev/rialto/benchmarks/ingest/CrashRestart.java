package dev.rialto.benchmarks.ingest;

import dev.rialto.api.ingest.IngestReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Crash safety of the file pipeline without the distribution: a child JVM ingests a CSV of EVENTS events into an
 * H2 file database (the real store, journal and ingestor, as {@link Main}'s stacks), is killed with SIGKILL once a
 * third of the file was read, and a second child ingests the same file again. Prints what each run reported; the
 * final count must equal EVENTS.
 *
 * <p>Usage: {@code java -cp ingest-benchmark.jar dev.rialto.benchmarks.ingest.CrashRestart parent DIR [EVENTS]}.
 */
public final class CrashRestart {
    private CrashRestart() {
    }

    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[1]);
        if (a[0].equals("child")) {
            Main.Stack s = new Main.Stack(dir.resolve("db"));
            IngestReport r = s.ingestor.ingestFile(dir.resolve("crash.csv"), "events",
                    (bytes, total, records) -> System.out.println("progress " + records));
            System.out.println("report read=" + r.read() + " stored=" + r.stored() + " duplicates=" + r.duplicates());
            System.out.println("count " + s.count());
            s.close();
            return;
        }
        int n = a.length > 2 ? Integer.parseInt(a[2]) : 150_000;
        Files.createDirectories(dir);
        Main.writeCsv(dir.resolve("crash.csv"), n, "c");
        String cp = System.getProperty("java.class.path");
        for (int round = 0; round < 2; round++) {
            Process p = new ProcessBuilder("java", "-Xmx512m", "-cp", cp, CrashRestart.class.getName(), "child", dir.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("progress ")) {
                        long records = Long.parseLong(line.substring(9));
                        if (round == 0 && records >= n / 3) {
                            p.destroyForcibly(); // SIGKILL
                            System.out.println("killed with -9 after " + records + " records read");
                            break;
                        }
                    } else if (line.startsWith("report") || line.startsWith("count") || line.contains("Resuming")
                            || line.contains("Ingested")) {
                        System.out.println(line);
                    }
                }
            }
            p.waitFor();
        }
        Main.Stack s = new Main.Stack(dir.resolve("db"));
        long stored = s.count();
        s.close();
        System.out.println((stored == n ? "PASS" : "FAIL") + ": " + stored + " events stored, expected " + n);
        if (stored != n) {
            System.exit(1);
        }
    }
}
