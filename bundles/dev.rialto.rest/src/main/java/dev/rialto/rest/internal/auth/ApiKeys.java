package dev.rialto.rest.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys of {@code api.keys}: {@code <name>:<sha256-hex-of-key>} entries. Only hashes are configured, so the
 * configuration never holds a usable key. A presented key is hashed and compared with every entry in constant
 * time (no early exit), so timing tells nothing about which hash, or how much of it, matched.
 */
final class ApiKeys {
    static final String PROPERTY = "api.keys";
    /** Longer values are refused without hashing them. */
    static final int MAX_KEY_LENGTH = 512;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String HOW = "; each entry is <name>:<sha256-hex-of-key>, the hash made with"
            + " printf %s \"$KEY\" | sha256sum";

    private record Entry(String name, byte[] hash) {
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = entries;
    }

    static final ApiKeys NONE = new ApiKeys(List.of());

    /**
     * Parses the configured values (each may hold several comma-separated entries). Messages name the property
     * and the entry's position, never the entry's text: someone may have pasted a plain key.
     */
    static ApiKeys parse(String[] values) {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        int position = 0;
        for (String value : values == null ? new String[0] : values) {
            if (value == null) {
                continue;
            }
            for (String raw : value.split(",")) {
                String entry = raw.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                position++;
                int colon = entry.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException(PROPERTY + " entry " + position + " has no ':'" + HOW);
                }
                String name = entry.substring(0, colon).strip();
                String hex = entry.substring(colon + 1).strip();
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException(PROPERTY + " entry " + position + ": the name must be 1 to 64"
                            + " letters, digits, '.', '_' or '-', starting with a letter or digit" + HOW);
                }
                if (!HEX.matcher(hex).matches()) {
                    throw new IllegalArgumentException(PROPERTY + " entry " + position + " (" + name + "): the hash"
                            + " must be 64 hexadecimal digits (a SHA-256), never the key itself" + HOW);
                }
                if (!names.add(name)) {
                    throw new IllegalArgumentException(PROPERTY + " entry " + position + ": the name " + name
                            + " appears twice");
                }
                if (!hashes.add(hex.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException(PROPERTY + " entry " + position + " (" + name + "): the same"
                            + " key is configured twice");
                }
                entries.add(new Entry(name, decode(hex)));
            }
        }
        return new ApiKeys(List.copyOf(entries));
    }

    int size() {
        return entries.size();
    }

    List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** The name of the key's entry, or empty for an unknown, blank or over-long key. */
    Optional<String> match(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || entries.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(key.getBytes(StandardCharsets.UTF_8));
        String found = null;
        for (Entry entry : entries) {
            // Every entry is compared, whatever matched before.
            if (MessageDigest.isEqual(hash, entry.hash()) & found == null) {
                found = entry.name();
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static byte[] decode(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ApiKeys" + names();
    }
}
