package dev.rialto.ads.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.ads.AdDecision;
import dev.rialto.api.ads.AdRequest;
import dev.rialto.api.ads.BidType;
import dev.rialto.api.ads.PacingMode;
import dev.rialto.api.ads.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PacingTest {

    @Test
    void throttlingSpreadsTheDailyBudgetEvenlyOverADayOfTraffic() {
        // 2.00 CPM at a 2.00 reserve: 0.002 per impression; 50.00 a day is 25,000 of 86,400 requests.
        Fixture f = new Fixture().basics("2.00").add(Fixture.campaign("even", Tier.AUCTION, BidType.CPM, "2.00", null,
                List.of(), Set.of(), "50", PacingMode.EVEN), "a1");
        Settings s = Settings.defaults();
        f.withSettings(new Settings(false, s.userZone(), s.pacingZone(), 0, s.cpaConversionRate(), 0,
                s.decisionTtl(), Duration.ofMinutes(1), 0.1, 0.2, 0.001, 0.01, 200));
        AdEngine engine = f.start();
        Instant day = Instant.parse("2026-03-03T00:00:00Z");
        double[] hourly = new double[24];
        double before = 0;
        for (int second = 0; second < 86_400; second++) {
            Instant t = day.plusSeconds(second);
            f.clock.set(t);
            AdDecision d = engine.decide(new AdRequest("u" + (second % 5000), "top", null, null, null, null, t));
            if (d.filled()) {
                engine.recordImpression(d.id());
            }
            if (second % 3600 == 3599) {
                double spent = engine.report("even").todaySpend();
                hourly[second / 3600] = spent - before;
                before = spent;
            }
        }
        double total = engine.report("even").todaySpend();
        assertTrue(total <= 50.0 + 1e-9 && total >= 50 * 0.97, "spend " + total);
        // The plan spreads the budget over the 23 hours before the catch-up hour, which only a campaign that fell
        // behind needs: this one is on plan and has (nearly) nothing left for it.
        double plan = 50.0 / 23;
        for (int h = 1; h < 23; h++) {
            assertTrue(Math.abs(hourly[h] - plan) / plan < 0.25, "hour " + h + " spent " + hourly[h]);
        }
        assertTrue(hourly[23] < 0.1 * plan, "the catch-up hour spent " + hourly[23]);
        assertEquals(Instant.parse("2026-03-03T23:59:59Z"), f.clock.instant());
    }
}
