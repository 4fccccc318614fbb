package dev.rialto.api.catalog;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: the store calls every registered listener after items were committed. Listeners must be
 * quick and must not throw; an exception is logged and does not undo the commit.
 */
@ConsumerType
public interface ItemChangeListener {
    void itemsStored(List<Item> items);
}
