package dev.rialto.shell.internal;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with left-aligned columns; long cells are cut and end with "..." (ASCII, any console). */
final class TextTable {

    private final List<String> header;
    private final int[] maxWidths;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param maxWidths the widest each column may be, 0 for no limit */
    TextTable(List<String> header, int... maxWidths) {
        this.header = List.copyOf(header);
        this.maxWidths = maxWidths.length == 0 ? new int[header.size()] : maxWidths.clone();
        if (this.maxWidths.length != header.size()) {
            throw new IllegalArgumentException("maxWidths must have one entry per column");
        }
    }

    TextTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size());
        }
        List<String> row = new ArrayList<>(cells.length);
        for (int c = 0; c < cells.length; c++) {
            row.add(cut(cells[c] == null ? "" : cells[c], maxWidths[c]));
        }
        rows.add(row);
        return this;
    }

    String render() {
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        line(out, rule, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                text.append("  ");
            }
            text.append(cells.get(c));
            if (c < cells.size() - 1) {
                text.append(" ".repeat(widths[c] - cells.get(c).length()));
            }
        }
        out.append(text).append('\n');
    }

    static String cut(String text, int max) {
        if (max <= 0 || text.length() <= max) {
            return text;
        }
        return max <= 3 ? text.substring(0, max) : text.substring(0, max - 3) + "...";
    }
}
