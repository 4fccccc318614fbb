package dev.rialto.api.campaigns;

import dev.rialto.api.common.RialtoException;

/** A trigger arrived while a run of the same campaign was still going; nothing was started. */
public class CampaignBusyException extends RialtoException {
    private static final long serialVersionUID = 1L;
    private final String runningRunId;

    public CampaignBusyException(String campaignId, String runningRunId) {
        super("Campaign " + campaignId + " is already running (run " + runningRunId + "); nothing was started");
        this.runningRunId = runningRunId;
    }

    public String runningRunId() {
        return runningRunId;
    }
}
