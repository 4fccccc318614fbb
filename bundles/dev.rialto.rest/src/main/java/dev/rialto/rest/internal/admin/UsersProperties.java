package dev.rialto.rest.internal.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Adds or replaces one user in Karaf's {@code users.properties} ({@code user = password,role,...}) and keeps every
 * other line, comment and continuation as it was. Karaf's PropertiesLoginModule reads the file at each login, so
 * the change applies without a restart. Latin-1 in and out keeps unknown bytes intact; what we write is ASCII.
 */
final class UsersProperties {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private UsersProperties() {
    }

    static void putUser(Path file, String user, String password, List<String> roles) throws IOException {
        if (password.indexOf(',') >= 0) {
            throw new IllegalArgumentException("a Karaf password must not contain a comma");
        }
        String entry = escapeKey(user) + " = " + escapeValue(password) + "," + String.join(",", roles);
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
        List<String> out = new ArrayList<>(lines.size() + 1);
        boolean replaced = false;
        int i = 0;
        while (i < lines.size()) {
            int end = logicalLineEnd(lines, i);
            if (user.equals(keyOf(lines.get(i)))) {
                if (!replaced) {
                    out.add(entry);
                    replaced = true;
                }
            } else {
                out.addAll(lines.subList(i, end + 1));
            }
            i = end + 1;
        }
        if (!replaced) {
            out.add(entry);
        }
        write(file, out);
    }

    /** Writes through a temporary file and a rename, keeping the old file's permissions (0600 for a new file). */
    private static void write(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
        Set<PosixFilePermission> permissions = posix && Files.exists(file)
                ? Files.getPosixFilePermissions(file) : OWNER_ONLY;
        Path temp = dir.resolve("." + file.getFileName() + ".rialto.tmp");
        Files.deleteIfExists(temp);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
        try {
            Files.createFile(temp, attributes);
            if (posix) {
                // createFile applies the umask: set the exact bits before any secret goes in.
                Files.setPosixFilePermissions(temp, permissions);
            }
            Files.write(temp, lines, StandardCharsets.ISO_8859_1);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("temporary file " + temp + " appeared concurrently", e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The index of the last physical line of the logical line starting at {@code start}. */
    private static int logicalLineEnd(List<String> lines, int start) {
        String first = lines.get(start).stripLeading();
        if (first.isEmpty() || first.charAt(0) == '#' || first.charAt(0) == '!') {
            return start;
        }
        int i = start;
        while (i < lines.size() - 1 && endsWithContinuation(lines.get(i))) {
            i++;
        }
        return i;
    }

    private static boolean endsWithContinuation(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The unescaped key of a property line, or null for comments and blank lines. */
    static String keyOf(String line) {
        String s = line.stripLeading();
        if (s.isEmpty() || s.charAt(0) == '#' || s.charAt(0) == '!') {
            return null;
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                if (next == 'u' && i + 4 < s.length()) {
                    key.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                } else {
                    key.append(switch (next) {
                        case 't' -> '\t';
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 'f' -> '\f';
                        default -> next;
                    });
                }
            } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static String escapeKey(String key) {
        StringBuilder out = new StringBuilder();
        for (char c : key.toCharArray()) {
            if (c == '=' || c == ':' || c == ' ' || c == '#' || c == '!' || c == '\\') {
                out.append('\\');
            }
            appendAscii(out, c);
        }
        return out.toString();
    }

    private static String escapeValue(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || (i == 0 && c == ' ')) {
                out.append('\\');
            }
            appendAscii(out, c);
        }
        return out.toString();
    }

    private static void appendAscii(StringBuilder out, char c) {
        if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
        } else {
            out.append(c);
        }
    }
}
