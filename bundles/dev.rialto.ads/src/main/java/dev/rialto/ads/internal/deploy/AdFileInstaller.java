package dev.rialto.ads.internal.deploy;

import dev.rialto.ads.internal.json.FieldException;
import dev.rialto.api.ads.AdInventory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and updates ad entities from {@code *.ads.json} files that Karaf's FileInstall finds in {@code deploy/}.
 * A file is applied whole or not at all; errors are logged naming the file and the field. Removing a file keeps
 * its entities (they may be serving); delete or archive them over REST.
 */
@Component(service = ArtifactInstaller.class, immediate = true)
public class AdFileInstaller implements ArtifactInstaller {
    public static final String SUFFIX = ".ads.json";
    static final long MAX_BYTES = 2_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(AdFileInstaller.class);

    private final AdInventory inventory;
    private final Map<String, String> problems = new LinkedHashMap<>();

    @Activate
    public AdFileInstaller(@Reference(name = "inventory") AdInventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public boolean canHandle(File file) {
        String name = file.getName();
        return !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(SUFFIX);
    }

    @Override
    public void install(File file) {
        apply(file, "created");
    }

    @Override
    public void update(File file) {
        apply(file, "updated");
    }

    @Override
    public void uninstall(File file) {
        synchronized (problems) {
            problems.remove(file.getAbsolutePath());
        }
        LOG.info("Ad file {} removed; the entities it defined stay (archive or delete them over REST)", file);
    }

    /** Applies the file; never throws (FileInstall would retry it forever). */
    void apply(File file, String verb) {
        try {
            if (file.length() > MAX_BYTES) {
                fail(file, "file is larger than " + MAX_BYTES + " bytes");
                return;
            }
            String text = Files.readString(file.toPath(), StandardCharsets.UTF_8);
            AdFiles parsed = AdFiles.parse(text, inventory);
            parsed.apply(inventory);
            synchronized (problems) {
                problems.remove(file.getAbsolutePath());
            }
            LOG.info("Ad file {} {}: {} advertiser(s), {} campaign(s), {} creative(s), {} slot(s)", file, verb,
                    parsed.advertisers().size(), parsed.campaigns().size(), parsed.creatives().size(),
                    parsed.slots().size());
        } catch (FieldException e) {
            fail(file, e.getMessage());
        } catch (IOException e) {
            fail(file, "cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Ad file {} failed", file, e);
            fail(file, e.getMessage());
        }
    }

    private void fail(File file, String message) {
        synchronized (problems) {
            problems.put(file.getAbsolutePath(), message);
        }
        LOG.error("Ad file {} not applied, nothing changed: {}", file, message);
    }

    /** The files whose current content was refused, with the error. */
    public Map<String, String> problems() {
        synchronized (problems) {
            return Map.copyOf(problems);
        }
    }
}
