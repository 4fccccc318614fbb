package dev.rialto.api.retrieval;

import dev.rialto.api.common.RialtoException;

/** No item has the given id (in the index that answers). */
public class ItemNotFoundException extends RialtoException {
    private static final long serialVersionUID = 1L;

    private final String itemId;

    public ItemNotFoundException(String itemId) {
        super("unknown item '" + itemId + "'");
        this.itemId = itemId;
    }

    /** The id that was asked for. */
    public String itemId() {
        return itemId;
    }
}
