package dev.rialto.campaigns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.StepType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The campaign files the distribution copies into deploy/ are valid as shipped. */
class ShippedCampaignsTest {
    static final Path ROUTES = Path.of("../../camel-routes");

    @Test
    void everyShippedCampaignParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(ROUTES)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".campaign.json")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            CampaignDefinition d = CampaignJson.parse(Files.readString(f));
            assertEquals(f.getFileName().toString(), d.id() + ".campaign.json");
        }
        CampaignDefinition weekly = CampaignJson.parse(Files.readString(ROUTES.resolve("weekly-newsletter.campaign.json")));
        assertEquals("0 0 9 ? * MON", weekly.schedule());
        assertEquals(StepType.RECOMMEND, weekly.steps().get(0).type());
        assertEquals(10, weekly.holdoutPercent());
    }

    /** The YAML example in docs/campaigns.md is the shipped JSON campaign, plus its sources. */
    @Test
    void theDocumentedYamlExampleMatchesTheShippedCampaign() throws IOException {
        String doc = Files.readString(Path.of("../../docs/campaigns.md"));
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        String yaml = doc.substring(start, doc.indexOf("```", start));
        CampaignDefinition fromYaml = CampaignJson.parseYaml(yaml);
        CampaignDefinition shipped = CampaignJson.parse(Files.readString(ROUTES.resolve("weekly-newsletter.campaign.json")));
        assertEquals("co-visitation,behaviour,popular", fromYaml.steps().get(0).params().get("sources"));
        assertEquals(shipped.variants(), fromYaml.variants());
        assertEquals(shipped.frequencyRules(), fromYaml.frequencyRules());
        assertEquals(shipped.quietHours(), fromYaml.quietHours());
        assertEquals(shipped.schedule(), fromYaml.schedule());
        assertEquals(shipped.steps().subList(1, shipped.steps().size()),
                fromYaml.steps().subList(1, fromYaml.steps().size()));
        assertEquals(shipped.steps().get(0).params().get("n"), fromYaml.steps().get(0).params().get("n"));
    }
}
