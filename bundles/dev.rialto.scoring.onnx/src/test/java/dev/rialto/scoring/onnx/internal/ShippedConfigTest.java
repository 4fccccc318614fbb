package dev.rialto.scoring.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The scorer reads at least the history the trainer's shipped default trains on (1,000 events, chosen on the
 * Online Retail validation split), in the annotation default and the shipped cfg alike.
 */
class ShippedConfigTest {

    @Test
    void theScorerReadsTheTrainersDefaultHistory() throws Exception {
        assertEquals(1000, Configs.config(Map.of()).history_limit());
        Properties cfg = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/cfg/dev.rialto.scoring.onnx.cfg"))) {
            cfg.load(in);
        }
        assertEquals("1000", cfg.getProperty("history.limit").strip());
    }
}
