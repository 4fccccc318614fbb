package dev.rialto.store.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.api.resource.LoadableResource;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void everyScriptOnDiskIsListedAndTheOtherWayRound() throws Exception {
        Path dir = Path.of(Migrations.class.getClassLoader().getResource(Migrations.PATH).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> onDisk = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(onDisk, Migrations.SCRIPTS.stream().sorted().toList());
        }
    }

    @Test
    void resourceProviderServesTheScriptsByPrefixAndSuffix() throws Exception {
        Migrations.Scripts scripts = new Migrations.Scripts(Migrations.class.getClassLoader());
        List<LoadableResource> versioned = List.copyOf(scripts.getResources("V", new String[] {".sql"}));
        assertEquals(Migrations.SCRIPTS, versioned.stream().map(LoadableResource::getFilename).toList());
        assertEquals("V1__schema.sql", versioned.get(0).getFilename());
        try (Reader r = versioned.get(0).read()) {
            char[] buf = new char[4096];
            assertTrue(new String(buf, 0, r.read(buf)).contains("CREATE TABLE items"));
        }
        assertEquals(List.of(), List.copyOf(scripts.getResources("beforeMigrate", new String[] {".sql"})));
        assertEquals(List.of(), List.copyOf(scripts.getResources("V", new String[] {".java"})));
        assertNull(scripts.getResource("V9__nope.sql"));
    }
}
