package dev.rialto.ads.internal.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.ads.internal.engine.Inventory;
import dev.rialto.ads.internal.store.MemoryAdStore;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdFileInstallerTest {
    static final String FILE = "{\"advertisers\":[{\"id\":\"adv\",\"name\":\"Acme\"}],"
            + "\"campaigns\":[{\"id\":\"k1\",\"advertiser\":\"adv\",\"name\":\"Spring\",\"start\":\"2026-01-01T00:00:00Z\","
            + "\"bidType\":\"cpm\",\"bid\":1}],"
            + "\"creatives\":[{\"id\":\"c1\",\"campaign\":\"k1\",\"format\":\"native\",\"headline\":\"Hi\","
            + "\"landingUrl\":\"https://example.com\"}],"
            + "\"slots\":[{\"id\":\"feed\",\"format\":\"native\"}]}";

    @TempDir
    Path dir;

    @Test
    void aFileCreatesAndUpdatesEntitiesAndABadOneChangesNothing() throws Exception {
        Inventory inventory = new Inventory(new MemoryAdStore());
        AdFileInstaller installer = new AdFileInstaller(inventory);
        File file = dir.resolve("spring.ads.json").toFile();
        assertTrue(installer.canHandle(file));
        assertFalse(installer.canHandle(dir.resolve("spring.camel.yaml").toFile()));
        assertFalse(installer.canHandle(dir.resolve(".spring.ads.json").toFile()));

        Files.writeString(file.toPath(), FILE);
        installer.install(file);
        assertEquals(1, inventory.campaigns().size());
        assertEquals(1, inventory.creatives().size());
        assertEquals("feed", inventory.slots().get(0).id());
        assertTrue(installer.problems().isEmpty());

        Files.writeString(file.toPath(), FILE.replace("Spring", "Summer").replace("\"bid\":1", "\"bid\":0"));
        installer.update(file);
        assertEquals("Spring", inventory.campaign("k1").orElseThrow().name(), "a bad file changes nothing");
        String problem = installer.problems().get(file.getAbsolutePath());
        assertEquals("campaigns[0].bid: bid must be positive, was 0", problem);

        Files.writeString(file.toPath(), FILE.replace("\"campaign\":\"k1\"", "\"campaign\":\"k2\""));
        installer.update(file);
        assertEquals("creatives[0].campaign: campaign 'k2' does not exist",
                installer.problems().get(file.getAbsolutePath()));

        Files.writeString(file.toPath(), FILE.replace("Spring", "Summer"));
        installer.update(file);
        assertEquals("Summer", inventory.campaign("k1").orElseThrow().name());
        assertTrue(installer.problems().isEmpty());

        installer.uninstall(file);
        assertEquals(1, inventory.campaigns().size(), "removing the file keeps what serves");
    }
}
