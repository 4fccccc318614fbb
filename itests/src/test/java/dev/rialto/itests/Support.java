package dev.rialto.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/** What the suites do inside the container: files, the admin password, console commands. */
final class Support {

    private Support() {
    }

    static Path home() {
        return Paths.get(System.getProperty("karaf.home"));
    }

    static String adminPassword() throws IOException {
        Path file = Paths.get(System.getProperty("karaf.data")).resolve("rialto/admin-password");
        Await.until("admin password file", Duration.ofSeconds(60), () -> Files.exists(file) ? true : null);
        return Files.readString(file).strip();
    }

    /** Writes a file atomically (hidden temp name, then rename), as a well-behaved producer does. */
    static void write(Path folder, String name, String content) throws IOException {
        Files.createDirectories(folder);
        Path temp = folder.resolve("." + name + ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Runs a console command as an admin and returns what it printed. */
    static String execute(SessionFactory sessions, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessions.create(System.in, out, out);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal("admin"));
        subject.getPrincipals().add(new RolePrincipal("admin"));
        try {
            Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
        } finally {
            session.close();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
