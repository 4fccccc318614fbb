package dev.rialto.shell.internal;

import dev.rialto.api.retrieval.IndexAdmin;
import dev.rialto.api.retrieval.IndexStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The logic and formatting of {@code rialto:index-status} and {@code rialto:index-rebuild}. */
final class IndexText {

    static final String MISSING = "Item index: " + Format.NOT_AVAILABLE
            + " (is dev.rialto.retrieval.lucene installed and active?)\n";
    static final int BAR_WIDTH = 30;

    private IndexText() {
    }

    static String status(IndexAdmin admin, boolean check) {
        if (admin == null) {
            return MISSING;
        }
        try {
            return render(admin.status(check));
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
    }

    static String render(IndexStatus s) {
        StringBuilder out = new StringBuilder();
        field(out, "Documents", count(s.documents()));
        field(out, "Store items", count(s.itemsInStore()));
        field(out, "Lag", count(s.lag()) + (s.lag() == 0 ? "" : " items behind the store"));
        field(out, "Segments", Integer.toString(s.segments()));
        field(out, "Vectors", vectors(s.vectorsByModel()));
        field(out, "Last commit", Format.instant(s.lastCommit()));
        field(out, "Last update", Format.instant(s.lastUpdate()));
        IndexStatus.RebuildProgress r = s.rebuild();
        field(out, "Rebuild", r == null ? "-"
                : "running since " + Format.instant(r.started()) + " " + bar(r.done(), r.total()));
        IndexStatus.Consistency c = s.consistency();
        if (c == null) {
            field(out, "Consistency", "not checked (use --check)");
        } else if (c.consistent()) {
            field(out, "Consistency", "OK: every stored item is indexed and every document is in the store");
        } else {
            field(out, "Consistency", count(c.missingFromIndex()) + " missing from the index"
                    + sample(c.missingFromIndex(), c.missingSample()) + "; " + count(c.notInStore())
                    + " not in the store" + sample(c.notInStore(), c.notInStoreSample())
                    + " (rialto:index-rebuild repairs both)");
        }
        return out.toString();
    }

    /** {@code [#####.........] 1,250/2,500 items}: the fill is rounded down, so it is full only when done. */
    static String bar(long done, long total) {
        int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + count(done) + "/" + count(total)
                + " items";
    }

    static String result(IndexAdmin.RebuildResult r) {
        return String.format(Locale.ROOT, "Rebuilt the item index: %s items indexed, %s stale documents removed, "
                + "in %.1f s\n", count(r.indexed()), count(r.removed()), r.took().toMillis() / 1000.0);
    }

    /**
     * Runs the rebuild and draws the bar in place on {@code console} ({@code \r}, redrawn only when it changes),
     * then prints the result or the error on its own line.
     */
    static void rebuild(IndexAdmin admin, java.io.PrintStream console) {
        if (admin == null) {
            console.print(MISSING);
            return;
        }
        String[] last = {null};
        try {
            IndexAdmin.RebuildResult r = admin.rebuild((done, total) -> {
                String line = bar(done, total);
                if (!line.equals(last[0])) {
                    last[0] = line;
                    console.print("\r" + line);
                    console.flush();
                }
            });
            console.print((last[0] == null ? "" : "\n") + result(r));
        } catch (RuntimeException e) {
            console.print((last[0] == null ? "" : "\n") + "error: " + e.getMessage() + "\n");
        }
        console.flush();
    }

    private static String sample(long count, List<String> ids) {
        if (ids.isEmpty()) {
            return "";
        }
        return " (" + String.join(", ", ids) + (count > ids.size() ? ", ..." : "") + ")";
    }

    private static String vectors(Map<String, Long> byModel) {
        if (byModel.isEmpty()) {
            return "-";
        }
        return new java.util.TreeMap<>(byModel).entrySet().stream().map(e -> e.getKey() + "=" + count(e.getValue()))
                .collect(Collectors.joining("  "));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-12s %s\n", name, value));
    }
}
