package dev.rialto.api.content;

import dev.rialto.api.common.RialtoException;
import java.util.List;

/** Copy was requested for items that are not in the catalogue. */
public class UnknownItemException extends RialtoException {
    private static final long serialVersionUID = 1L;

    private final List<String> itemIds;

    public UnknownItemException(List<String> itemIds) {
        super("itemIds: not in the catalogue: " + String.join(", ", itemIds));
        this.itemIds = List.copyOf(itemIds);
    }

    public List<String> itemIds() {
        return itemIds;
    }
}
