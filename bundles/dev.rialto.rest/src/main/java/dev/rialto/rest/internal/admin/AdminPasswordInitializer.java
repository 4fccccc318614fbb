package dev.rialto.rest.internal.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives Karaf an {@code admin} user on first start, since Rialto ships no default password. When
 * {@code ${karaf.data}/rialto/admin-password} is missing, it takes {@value #ENV_PASSWORD} from the environment or
 * generates a random password, puts {@code admin} with {@link #ROLES} into {@code ${karaf.etc}/users.properties},
 * then writes the password to that file with mode 0600. When the file exists it does nothing: the admin may have
 * changed the password since.
 */
@Component(service = {})
public class AdminPasswordInitializer {
    public static final String ENV_PASSWORD = "RIALTO_ADMIN_PASSWORD";
    public static final String USER = "admin";
    public static final List<String> ROLES =
            List.of("admin", "manager", "viewer", "systembundles", "ssh", "rialto-admin");
    static final int GENERATED_BYTES = 24; // 32 URL-safe characters, 192 bits
    static final int WEAK_LENGTH = 12;

    private static final Logger LOG = LoggerFactory.getLogger(AdminPasswordInitializer.class);

    private final Path dataDir;
    private final Path etcDir;
    private final Function<String, String> environment;
    private final SecureRandom random;

    @Activate
    public AdminPasswordInitializer() {
        this(karafDir("karaf.data", null), karafDir("karaf.etc", "etc"), System::getenv, new SecureRandom());
        initialize();
    }

    AdminPasswordInitializer(Path dataDir, Path etcDir, Function<String, String> environment, SecureRandom random) {
        this.dataDir = dataDir;
        this.etcDir = etcDir;
        this.environment = environment;
        this.random = random;
    }

    /** The password file; it exists once the admin user was set up. */
    Path passwordFile() {
        return dataDir.resolve("rialto").resolve("admin-password");
    }

    Path usersFile() {
        return etcDir.resolve("users.properties");
    }

    /** @return true when it set up the admin user, false when the password file already existed */
    boolean initialize() {
        Path passwordFile = passwordFile();
        if (Files.exists(passwordFile)) {
            LOG.debug("{} exists: admin user left as it is", passwordFile);
            return false;
        }
        String password = environment.apply(ENV_PASSWORD);
        boolean fromEnvironment = password != null && !password.isEmpty();
        if (fromEnvironment) {
            checkUsable(password);
        } else {
            password = generate();
        }
        try {
            // users.properties first: if the password file then fails, the next start simply tries again.
            UsersProperties.putUser(usersFile(), USER, password, ROLES);
            writeOwnerOnly(passwordFile, password + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("Could not set up the Rialto admin user in " + usersFile() + " and "
                    + passwordFile + ": " + e.getMessage(), e);
        }
        if (fromEnvironment) {
            LOG.info("Rialto admin user set from the environment variable {}", ENV_PASSWORD);
        }
        LOG.info("Rialto admin password written to {}", passwordFile);
        return true;
    }

    String generate() {
        byte[] bytes = new byte[GENERATED_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void checkUsable(String password) {
        // Karaf splits "password,role,..." on commas and trims; never echo the value.
        boolean control = password.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        if (password.indexOf(',') >= 0 || control || !password.equals(password.strip())) {
            throw new IllegalArgumentException(ENV_PASSWORD
                    + " must not contain commas or control characters, nor start or end with spaces");
        }
        if (password.length() < WEAK_LENGTH) {
            LOG.warn("{} is shorter than {} characters", ENV_PASSWORD, WEAK_LENGTH);
        }
    }

    /** Creates the file with mode 0600 from the start (no chmod after the secret is in), failing if it exists. */
    static void writeOwnerOnly(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = Files.getFileAttributeView(dir.getRoot(), PosixFileAttributeView.class) != null;
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(UsersProperties.OWNER_ONLY)}
                : new FileAttribute<?>[0];
        if (!posix) {
            LOG.warn("{} is not on a POSIX file system: restrict access to it by hand", file);
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes);
                OutputStream out = Channels.newOutputStream(channel)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static Path karafDir(String property, String underBase) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            return Paths.get(value);
        }
        if (underBase != null) {
            for (String base : new String[] {"karaf.base", "karaf.home"}) {
                String dir = System.getProperty(base);
                if (dir != null && !dir.isBlank()) {
                    return Paths.get(dir, underBase);
                }
            }
        }
        throw new IllegalStateException("System property " + property + " is not set: not running in Karaf?");
    }
}
