package dev.rialto.retrieval.lucene.internal.sources;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rialto.api.privacy.UserData;
import dev.rialto.api.privacy.UserDataListener;
import dev.rialto.retrieval.lucene.internal.index.ItemIndex;

/**
 * When the store has deleted a user's data (right to be forgotten), takes the user's contribution out of what
 * this bundle keeps beside the store: popularity, trending and co-visitation counters, and the user's published
 * behaviour vector (in memory and on disk), and the personal sources' kept lists of the user. Per-request user
 * contexts are not kept between requests, and the item index holds no per-user data.
 */
@Component(service = UserDataListener.class)
public final class ForgetUserListener implements UserDataListener {

    private static final Logger LOG = LoggerFactory.getLogger(ForgetUserListener.class);

    private final PopularityCounters counters;
    private final ItemIndex index;

    @Activate
    public ForgetUserListener(@Reference(name = "counters") PopularityCounters counters,
            @Reference(name = "index") ItemIndex index) {
        this.counters = counters;
        this.index = index;
    }

    @Override
    public void userDeleted(UserData deleted) {
        // Must not throw: the store calls every listener after its commit.
        try {
            int events = counters.forget(deleted.userId(), deleted.events());
            boolean vector = index.forgetUser(deleted.userId());
            CandidateCache.forgetEverywhere(deleted.userId());
            LOG.debug("Forgotten user: {} events taken out of the counters, behaviour vector dropped: {}", events,
                    vector);
        } catch (RuntimeException e) {
            LOG.error("Taking a forgotten user's data out of the retrieval counters failed", e);
        }
    }
}
