package dev.rialto.campaigns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.StepType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CampaignJsonTest {
    static final String WEEKLY = """
            {"id": "weekly", "name": "Weekly picks", "schedule": "0 0 9 ? * MON",
             "audience": {"attribute": "country", "equals": "GB"},
             "steps": [{"type": "recommend", "n": 4}, {"type": "deliver", "channel": "outbox"}],
             "variants": [{"name": "A", "percent": 45}, {"name": "B", "percent": 45, "overrides": {"recommend.n": "6"}}],
             "holdoutPercent": 10,
             "frequencyRules": [{"channel": "email", "max": 1, "window": "P3D"}],
             "quietHours": {"start": "21:00", "end": "08:00", "zone": "Europe/London"},
             "conversionWindow": "P7D"}
            """;

    @Test
    void parsesAndWritesBackTheSameDefinition() {
        CampaignDefinition d = CampaignJson.parse(WEEKLY);
        assertEquals("weekly", d.id());
        assertEquals(StepType.RECOMMEND, d.steps().get(0).type());
        assertEquals("4", d.steps().get(0).params().get("n"));
        assertEquals("6", d.param(d.variants().get(1), d.steps().get(0), "n", "4"));
        assertEquals("4", d.param(d.variants().get(0), d.steps().get(0), "n", "4"));
        assertEquals(Duration.ofDays(3), d.frequencyRules().get(0).window());
        assertEquals("outbox", d.channel());
        assertTrue(d.audience().contains("\"country\""));
        assertEquals(d, CampaignJson.parse(CampaignJson.write(d)));
    }

    @Test
    void errorsNameTheCampaignAndTheField() {
        assertMessage("campaign weekly: steps[1].channel must not be blank for a deliver step",
                WEEKLY.replace("\"channel\": \"outbox\"", "\"channel\": \"\""));
        assertMessage("campaign weekly: variants[*].percent plus holdoutPercent must add up to 100, was 105",
                WEEKLY.replace("\"holdoutPercent\": 10", "\"holdoutPercent\": 15"));
        assertMessage("campaign weekly: frequencyRules[0].window must be an ISO-8601 duration like P3D or PT12H,"
                + " was '3 days'", WEEKLY.replace("\"P3D\"", "\"3 days\""));
        assertMessage("campaign weekly: steps[0].type 'mail' is not one of recommend, decide_ad, generate, deliver",
                WEEKLY.replace("\"recommend\"", "\"mail\""));
        assertMessage("campaign weekly: colour is not a campaign field (expected one of audience, conversionWindow,"
                + " enabled, frequencyRules, holdoutPercent, id, name, quietHours, schedule, steps, variants)",
                WEEKLY.replace("\"name\":", "\"colour\": 1, \"name\":"));
        assertMessage("campaign weekly: steps[1]: a deliver step must be the last step",
                WEEKLY.replace("\"steps\": [", "\"steps\": [{\"type\": \"recommend\"}, {\"type\": \"deliver\", \"channel\": \"x\"},"));
        assertMessage("campaign weekly: schedule must be a Quartz cron expression with seconds first (6 or 7"
                + " fields, for example '0 0 9 ? * MON'), was '0 9 * * 1'", WEEKLY.replace("0 0 9 ? * MON", "0 9 * * 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CampaignJson.parse("{\"id\": "))
                .getMessage().startsWith("not valid JSON"));
    }

    @Test
    void yamlGivesTheSameDefinitionAsJson() {
        String yaml = """
                id: weekly
                name: Weekly picks
                schedule: "0 0 9 ? * MON"
                audience: {attribute: country, equals: GB}
                steps:
                  - {type: recommend, n: 4}
                  - {type: deliver, channel: outbox}
                variants:
                  - {name: A, percent: 45}
                  - name: B
                    percent: 45
                    overrides: {recommend.n: "6"}
                holdoutPercent: 10
                frequencyRules: [{channel: email, max: 1, window: P3D}]
                quietHours: {start: "21:00", end: "08:00", zone: Europe/London}
                conversionWindow: P7D
                """;
        assertEquals(CampaignJson.parse(WEEKLY), CampaignJson.parseYaml(yaml));
        assertMessage("campaign weekly: steps[1].channel must not be blank for a deliver step",
                () -> CampaignJson.parseYaml(yaml.replace("channel: outbox", "channel: ''")));
        assertTrue(assertThrows(CampaignJson.InvalidCampaignException.class,
                () -> CampaignJson.parseYaml("id: x\nsteps: [\n")).getMessage().startsWith("not valid YAML"));
        assertEquals("a campaign must be a YAML mapping", assertThrows(CampaignJson.InvalidCampaignException.class,
                () -> CampaignJson.parseYaml("- a\n- b\n")).getMessage());
        // a tag never builds an object: safe loading only
        assertThrows(CampaignJson.InvalidCampaignException.class,
                () -> CampaignJson.parseYaml("id: !!java.io.File /etc\nsteps: []\n"));
    }

    @Test
    void recommendSourcesAsListOrCommaSeparated() {
        CampaignDefinition list = CampaignJson.parse(WEEKLY.replace("{\"type\": \"recommend\", \"n\": 4}",
                "{\"type\": \"recommend\", \"n\": 4, \"sources\": [\"co-visitation\", \"popular\"]}"));
        assertEquals("co-visitation,popular", list.steps().get(0).params().get("sources"));
        assertEquals(java.util.Set.of("co-visitation", "popular"),
                StepComposer.sources(list.steps().get(0).params().get("sources")));
        assertEquals(list, CampaignJson.parse(CampaignJson.write(list)));
        assertMessage("campaign weekly: steps[0].sources[1] must be a source name",
                WEEKLY.replace("{\"type\": \"recommend\", \"n\": 4}",
                        "{\"type\": \"recommend\", \"sources\": [\"popular\", 3]}"));
        assertTrue(StepComposer.sources(null).isEmpty());
    }

    @Test
    void numericStepParametersAreCheckedInStepsAndInOverrides() {
        CampaignDefinition few = CampaignJson.parse(WEEKLY.replace("{\"type\": \"recommend\", \"n\": 4}",
                "{\"type\": \"recommend\", \"n\": 4, \"candidates\": 40}"));
        assertEquals("40", few.steps().get(0).params().get("candidates"));
        assertMessage("campaign weekly: steps[0].candidates must be between 0 and 10000, was 20000",
                WEEKLY.replace("{\"type\": \"recommend\", \"n\": 4}",
                        "{\"type\": \"recommend\", \"candidates\": 20000}"));
        assertMessage("campaign weekly: steps[0].n must be a whole number, was 'four'",
                WEEKLY.replace("\"n\": 4", "\"n\": \"four\""));
        // an arm's override is checked as the step's own parameter would be
        assertMessage("campaign weekly: variants[1].overrides.recommend.n must be between 1 and 100, was 0",
                WEEKLY.replace("\"recommend.n\": \"6\"", "\"recommend.n\": \"0\""));
        assertMessage("campaign weekly: variants[1].overrides.recommend.candidates must be a whole number, was 'x'",
                WEEKLY.replace("\"recommend.n\": \"6\"", "\"recommend.candidates\": \"x\""));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable parse) {
        assertEquals(expected, assertThrows(CampaignJson.InvalidCampaignException.class, parse).getMessage());
    }

    private static void assertMessage(String expected, String json) {
        assertEquals(expected, assertThrows(CampaignJson.InvalidCampaignException.class,
                () -> CampaignJson.parse(json)).getMessage());
    }
}
