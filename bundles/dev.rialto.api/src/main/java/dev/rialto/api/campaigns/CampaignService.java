package dev.rialto.api.campaigns;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Campaign definitions, runs and reports. */
@ProviderType
public interface CampaignService {

    List<CampaignDefinition> list();

    Optional<CampaignDefinition> get(String id);

    /**
     * Creates or replaces a definition and (re)schedules it.
     *
     * @param origin where it came from ({@code rest}, {@code file:<name>}, ...), kept for operators
     */
    void save(CampaignDefinition definition, String origin);

    /** Removes the definition and its schedule; its run history stays. Returns false when it did not exist. */
    boolean delete(String id);

    /**
     * Starts a run and returns at once; the run continues in the background.
     *
     * @throws CampaignNotFoundException when there is no such campaign
     * @throws CampaignBusyException     when a run of this campaign is still going (on any node)
     * @throws IllegalStateException     when the campaign is disabled
     */
    RunSummary trigger(String campaignId, String trigger);

    /** Like {@link #trigger}, but waits for the run to end (console, tests). */
    RunSummary runAndWait(String campaignId, String trigger) throws InterruptedException;

    /** The most recent runs of a campaign, newest first. */
    List<RunSummary> runs(String campaignId, int limit);

    /** @throws CampaignNotFoundException when there is no such run */
    RunReport report(String runId);

    /** Counts a segment rule's matches (JSON rule, or null for every profile) and samples some of them. */
    SegmentPreview previewSegment(String ruleJson, int sampleSize);
}
