package dev.rialto.api.scoring;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A scorer's dense numbering of the items it knows (0 to {@code size() - 1}), for
 * {@link InterestScorer#scoreIndexed}: a caller maps its candidates once per numbering (for example one array per
 * index reader) instead of handing over strings on every request. Immutable; a scorer replaces its numbering when
 * its catalogue changes, so callers compare numberings by identity.
 */
@ProviderType
public interface ItemNumbering {

    /** The number of items numbered. */
    int size();

    /** The item's number, or -1 when this numbering does not know the id (or it is null). */
    int indexOf(String itemId);

    /**
     * The item id of a number.
     *
     * @throws IndexOutOfBoundsException when the number is not in [0, size())
     */
    String itemId(int index);
}
