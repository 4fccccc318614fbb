package dev.rialto.api.privacy;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard, part of the change feed: the store calls every listener after a user's data was deleted and
 * committed, with what was deleted, so that indexes and counters drop the user's traces (for example subtract
 * the events from popularity counters, drop the user's vector). Must be quick and must not throw.
 */
@ConsumerType
public interface UserDataListener {
    void userDeleted(UserData deleted);
}
