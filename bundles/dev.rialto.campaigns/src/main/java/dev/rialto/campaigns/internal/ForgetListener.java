package dev.rialto.campaigns.internal;

import dev.rialto.api.privacy.UserData;
import dev.rialto.api.privacy.UserDataListener;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a profile is forgotten ({@code rialto:profile-forget}, {@code DELETE /api/v1/profiles/{id}}), its campaign
 * memberships and delivery records go too. Run totals keep their counts (the audience size stays); conversions of
 * past runs no longer include the person.
 */
@Component
public final class ForgetListener implements UserDataListener {
    private static final Logger LOG = LoggerFactory.getLogger(ForgetListener.class);
    private final CampaignTables tables;

    @Activate
    public ForgetListener(@Reference(name = "dataSource", target = "(dataSourceName=rialto)") DataSource dataSource) {
        this.tables = new CampaignTables(dataSource);
    }

    @Override
    public void userDeleted(UserData deleted) {
        int rows = tables.forget(deleted.userId());
        LOG.debug("Forgotten profile: {} campaign history rows removed", rows);
    }
}
