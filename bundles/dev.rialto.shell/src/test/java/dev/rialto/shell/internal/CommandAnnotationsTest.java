package dev.rialto.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.api.Test;

/**
 * Karaf registers a bundle's commands only when every mandatory {@code @Reference} is satisfied, so Rialto
 * services must be optional: the commands then work on a partial install and say "not available".
 */
class CommandAnnotationsTest {

    private static final List<Class<? extends Action>> COMMANDS =
            List.of(StatusCommand.class, RecommendCommand.class, TrainCommand.class,
                    ModelListCommand.class, ModelInfoCommand.class, ModelRollbackCommand.class,
                    IngestCommand.class, IngestStatusCommand.class, DeadLettersCommand.class,
                    ProfileExportCommand.class, ProfileForgetCommand.class);

    @Test
    void commandsAreKarafServicesInTheRialtoScope() throws Exception {
        for (Class<? extends Action> type : COMMANDS) {
            assertNotNull(type.getAnnotation(Service.class), type.getName());
            Command command = type.getAnnotation(Command.class);
            assertEquals("rialto", command.scope());
            assertTrue(Modifier.isPublic(type.getModifiers()));
            assertNotNull(type.getConstructor().newInstance());
        }
        assertEquals(List.of("status", "recommend", "train", "model-list", "model-info", "model-rollback",
                "ingest", "ingest-status", "dead-letters", "profile-export", "profile-forget"),
                COMMANDS.stream().map(c -> c.getAnnotation(Command.class).name()).toList());
    }

    @Test
    void rialtoServiceReferencesAreOptional() {
        for (Class<? extends Action> type : COMMANDS) {
            for (Field field : type.getDeclaredFields()) {
                Reference reference = field.getAnnotation(Reference.class);
                if (reference != null && field.getType().getName().startsWith("dev.rialto.")) {
                    assertTrue(reference.optional(), type.getSimpleName() + "." + field.getName());
                }
            }
        }
    }

    @Test
    void recommendHasTheDocumentedOptions() {
        List<String> options = java.util.Arrays.stream(RecommendCommand.class.getDeclaredFields())
                .map(f -> f.getAnnotation(Option.class)).filter(o -> o != null).map(Option::name).toList();
        assertEquals(List.of("-n", "--category", "--exclude-purchased", "--brand", "--min-price", "--max-price"), options);
    }
}
