package dev.rialto.rest.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminPasswordInitializerTest {
    private static final String ROLES = "admin,manager,viewer,systembundles,ssh,rialto-admin";

    @TempDir
    Path data;
    @TempDir
    Path etc;

    private AdminPasswordInitializer initializer(Map<String, String> env) {
        return new AdminPasswordInitializer(data, etc, env::get, new SecureRandom());
    }

    @Test
    void generatesAStrongPasswordIntoAnOwnerOnlyFileAndUsersProperties() throws IOException {
        AdminPasswordInitializer initializer = initializer(Map.of());
        assertTrue(initializer.initialize());

        Path passwordFile = data.resolve("rialto/admin-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        String password = Files.readString(passwordFile).strip();
        assertTrue(password.length() >= 20, "length " + password.length());
        assertTrue(password.matches("[A-Za-z0-9_-]+"), "URL-safe");

        Properties users = load(etc.resolve("users.properties"));
        assertEquals(password + "," + ROLES, users.getProperty("admin"));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(etc.resolve("users.properties"))));
    }

    @Test
    void takesThePasswordFromTheEnvironment() throws IOException {
        assertTrue(initializer(Map.of("RIALTO_ADMIN_PASSWORD", "from-the-env\\pass#1")).initialize());
        assertEquals("from-the-env\\pass#1",
                Files.readString(data.resolve("rialto/admin-password")).strip());
        // Karaf reads users.properties with properties escaping: the backslash must survive.
        assertEquals("from-the-env\\pass#1," + ROLES, load(etc.resolve("users.properties")).getProperty("admin"));
    }

    @Test
    void refusesAnEnvironmentPasswordKarafWouldMisread() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> initializer(Map.of("RIALTO_ADMIN_PASSWORD", "a,b-secret-value")).initialize());
        assertTrue(e.getMessage().contains("RIALTO_ADMIN_PASSWORD"));
        assertFalse(e.getMessage().contains("secret-value"));
        assertFalse(Files.exists(data.resolve("rialto/admin-password")));
    }

    @Test
    void replacesAnExistingAdminAndKeepsEverythingElse() throws IOException {
        Path users = etc.resolve("users.properties");
        Files.write(users, List.of(
                "# Karaf users",
                "karaf = karaf,_g_:admingroup",
                "admin = old,admin,\\",
                "   viewer",
                "_g_\\:admingroup = group,admin,manager,viewer",
                "marketer = m4rk,rialto-marketer"), StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r-----"));

        assertTrue(initializer(Map.of("RIALTO_ADMIN_PASSWORD", "new-admin-password")).initialize());

        List<String> lines = Files.readAllLines(users, StandardCharsets.ISO_8859_1);
        assertEquals(List.of(
                "# Karaf users",
                "karaf = karaf,_g_:admingroup",
                "admin = new-admin-password," + ROLES,
                "_g_\\:admingroup = group,admin,manager,viewer",
                "marketer = m4rk,rialto-marketer"), lines);
        Properties parsed = load(users);
        assertEquals("group,admin,manager,viewer", parsed.getProperty("_g_:admingroup"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        try (var files = Files.list(etc)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void secondStartDoesNothing() throws IOException {
        assertTrue(initializer(Map.of()).initialize());
        Path users = etc.resolve("users.properties");
        String first = Files.readString(users);
        String password = Files.readString(data.resolve("rialto/admin-password"));

        // The admin changed the password in the meantime; a restart must not undo it.
        Files.writeString(users, first.replace(password.strip(), "changed-by-admin"));
        assertFalse(initializer(Map.of("RIALTO_ADMIN_PASSWORD", "ignored-now")).initialize());
        assertTrue(Files.readString(users).contains("changed-by-admin"));
        assertEquals(password, Files.readString(data.resolve("rialto/admin-password")));
    }

    @Test
    void generatedPasswordsDiffer() {
        AdminPasswordInitializer initializer = initializer(Map.of());
        assertNotEquals(initializer.generate(), initializer.generate());
        assertEquals(32, initializer.generate().length());
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            properties.load(reader);
        }
        return properties;
    }
}
