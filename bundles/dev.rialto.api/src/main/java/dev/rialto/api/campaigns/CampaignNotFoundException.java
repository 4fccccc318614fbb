package dev.rialto.api.campaigns;

import dev.rialto.api.common.RialtoException;

/** No campaign or run with that id. */
public class CampaignNotFoundException extends RialtoException {
    private static final long serialVersionUID = 1L;

    public CampaignNotFoundException(String message) {
        super(message);
    }
}
