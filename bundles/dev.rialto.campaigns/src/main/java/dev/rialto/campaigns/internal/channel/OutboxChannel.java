package dev.rialto.campaigns.internal.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.Purpose;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes each delivery as one JSON line to {@code <folder>/<campaign>/<run>.jsonl}, for another system to pick
 * up. Idempotent per delivery id: when a run's file is opened (first use in this process, so after a restart
 * too) the ids already in it are read, a torn last line is cut off, and a repeated delivery is not written twice.
 * A line reaches the operating system before {@link #deliver} returns (it survives kill -9); {@code fsync}
 * also forces it to disk (survives power loss; slower).
 */
public final class OutboxChannel implements DeliveryChannel {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path folder;
    private final boolean fsync;
    private final Map<Path, Outbox> open = new HashMap<>();

    private static final class Outbox {
        final FileChannel channel;
        final Set<String> ids;

        Outbox(FileChannel channel, Set<String> ids) {
            this.channel = channel;
            this.ids = ids;
        }
    }

    public OutboxChannel(Path folder, boolean fsync) {
        this.folder = folder;
        this.fsync = fsync;
    }

    @Override
    public Purpose purpose() {
        return Purpose.PERSONALISATION;
    }

    public Path file(String campaignId, String runId) {
        return folder.resolve(safe(campaignId)).resolve(safe(runId) + ".jsonl");
    }

    private static final java.util.regex.Pattern UNSAFE = java.util.regex.Pattern.compile("[^A-Za-z0-9_.-]");

    private static String safe(String name) {
        return UNSAFE.matcher(name).replaceAll("_");
    }

    @Override
    public void deliver(Delivery d) throws DeliveryException {
        byte[] line = (line(d) + "\n").getBytes(StandardCharsets.UTF_8);
        Path file = file(d.campaignId(), d.runId());
        try {
            synchronized (this) {
                Outbox box = open.get(file);
                if (box == null) {
                    if (open.size() >= 32) {
                        close(); // runs of the past: reopened (and their ids re-read) if ever needed
                    }
                    box = openOutbox(file);
                    open.put(file, box);
                }
                if (!box.ids.add(d.deliveryId())) {
                    return; // already written before a crash: exactly once
                }
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    box.channel.write(buffer);
                }
                if (fsync) {
                    box.channel.force(false);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DeliveryException("writing " + file + " failed: " + e.getMessage(), true, e);
        }
    }

    private static Outbox openOutbox(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Set<String> ids = new HashSet<>();
        if (Files.exists(file)) {
            // A line counts only if it ends with a newline and parses: a torn last line is dropped.
            byte[] all = Files.readAllBytes(file);
            long keep = 0;
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == '\n') {
                    String text = new String(all, start, i - start, StandardCharsets.UTF_8);
                    try {
                        ids.add(MAPPER.readTree(text).path("deliveryId").asText());
                    } catch (IOException e) {
                        break;
                    }
                    keep = i + 1L;
                    start = i + 1;
                }
            }
            if (keep < all.length) {
                try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    c.truncate(keep);
                }
            }
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return new Outbox(channel, ids);
    }

    static String line(Delivery d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("deliveryId", d.deliveryId());
        n.put("campaign", d.campaignId());
        n.put("run", d.runId());
        n.put("variant", d.variant());
        n.put("profile", d.profileId());
        if (d.address() != null) {
            n.put("address", d.address());
        }
        if (d.subject() != null) {
            n.put("subject", d.subject());
        }
        if (d.body() != null) {
            n.put("body", d.body());
        }
        d.items().forEach(n.putArray("items")::add);
        if (d.ad() != null) {
            n.put("ad", d.ad());
        }
        ObjectNode attributes = n.putObject("attributes");
        d.attributes().forEach(attributes::put);
        n.put("created", d.created().toString());
        return n.toString();
    }

    /** Closes the open files (the component's deactivation). */
    public synchronized void close() {
        for (Outbox box : open.values()) {
            try {
                box.channel.close();
            } catch (IOException e) {
                // closing a file we only appended to: nothing to recover
            }
        }
        open.clear();
    }
}
