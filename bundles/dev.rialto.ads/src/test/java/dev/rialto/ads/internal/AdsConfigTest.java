package dev.rialto.ads.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.ads.internal.engine.Settings;
import java.lang.annotation.Annotation;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class AdsConfigTest {

    /** The defaults of the configuration annotation, with some values replaced. */
    static AdsConfig config(String zone, double exploration, int slotSeconds) {
        return config(zone, exploration, slotSeconds, 60);
    }

    static AdsConfig config(String zone, double exploration, int slotSeconds, int catchUpMinutes) {
        return new AdsConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return AdsConfig.class;
            }

            @Override
            public String dataSource_target() {
                return "(dataSourceName=rialto)";
            }

            @Override
            public String scorer_target() {
                return "(rialto.provider=ads)";
            }

            @Override
            public boolean consent_unknown_allows() {
                return false;
            }

            @Override
            public String user_zone() {
                return zone;
            }

            @Override
            public String pacing_zone() {
                return "UTC";
            }

            @Override
            public double exploration_share() {
                return exploration;
            }

            @Override
            public double cpa_conversion_rate() {
                return 0.05;
            }

            @Override
            public int history_limit() {
                return 200;
            }

            @Override
            public double cvr_prior_strength() {
                return 100;
            }

            @Override
            public int attribution_click_hours() {
                return 168;
            }

            @Override
            public int attribution_view_hours() {
                return 24;
            }

            @Override
            public String beacon_secret() {
                return "";
            }

            @Override
            public int decision_ttl_minutes() {
                return 60;
            }

            @Override
            public int pacing_slot_seconds() {
                return slotSeconds;
            }

            @Override
            public double pacing_adjust() {
                return 0.1;
            }

            @Override
            public double pacing_initial_rate() {
                return 0.2;
            }

            @Override
            public double pacing_min_rate() {
                return 0.001;
            }

            @Override
            public int pacing_catchup_minutes() {
                return catchUpMinutes;
            }

            @Override
            public double ctr_prior_mean() {
                return 0.01;
            }

            @Override
            public double ctr_prior_strength() {
                return 200;
            }
        };
    }

    @Test
    void validConfigurationBecomesSettings() {
        Settings s = AdsComponent.settings(config("Europe/Berlin", 0.02, 60));
        assertEquals(ZoneId.of("Europe/Berlin"), s.userZone());
        assertEquals(0.02, s.exploration());
        assertEquals(java.time.Duration.ofHours(1), s.pacingCatchUp());
    }

    @Test
    void invalidValuesNameTheProperty() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AdsComponent.settings(config("Mars/Base", 0.02, 60))).getMessage().startsWith("user.zone"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AdsComponent.settings(config("UTC", 1.5, 60))).getMessage().startsWith("exploration.share"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AdsComponent.settings(config("UTC", 0.02, 60, -5))).getMessage()
                .startsWith("pacing.catchup.minutes"));
        // The pacer checks its slot when the engine is built.
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new dev.rialto.ads.internal.engine.Pacer(java.time.Duration.ofSeconds(7), 0.1, 0.2, 0.001))
                .getMessage().startsWith("pacing.slot.seconds"));
    }
}
