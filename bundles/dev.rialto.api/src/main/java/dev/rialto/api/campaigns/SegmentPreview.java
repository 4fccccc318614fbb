package dev.rialto.api.campaigns;

import java.util.List;

/**
 * How many profiles a segment rule selects, with a few of them.
 *
 * @param count    profiles matched
 * @param scanned  profiles evaluated
 * @param sample   up to the requested number of matching profile ids
 */
public record SegmentPreview(long count, long scanned, List<String> sample) {

    public SegmentPreview {
        sample = sample == null ? List.of() : List.copyOf(sample);
    }
}
