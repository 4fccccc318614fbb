package dev.rialto.api.retrieval;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The state of the item index, as {@link IndexAdmin#status(boolean)} saw it.
 *
 * @param documents       documents a search sees now
 * @param segments        segments of the searched index
 * @param itemsInStore    items in the store
 * @param lag             {@code max(0, itemsInStore - documents)}: a cheap estimate of how far the index trails
 * @param consistency     the id-by-id comparison with the store; null unless it was asked for
 * @param vectorsByModel  documents with a vector, by embedding model
 * @param lastCommit      when changes were last committed to disk; null when unknown
 * @param lastUpdate      when a document was last written; null when none was since the index opened
 * @param rebuild         the running rebuild; null when none runs
 */
public record IndexStatus(long documents, int segments, long itemsInStore, long lag, Consistency consistency,
                          Map<String, Long> vectorsByModel, Instant lastCommit, Instant lastUpdate,
                          RebuildProgress rebuild) {

    public IndexStatus {
        vectorsByModel = vectorsByModel == null ? Map.of() : Map.copyOf(vectorsByModel);
    }

    /**
     * @param missingFromIndex items of the store that the index lacks
     * @param notInStore       documents of the index whose item is not in the store
     * @param missingSample    a few of the missing ids, sorted
     * @param notInStoreSample a few of the ids not in the store, sorted
     */
    public record Consistency(long missingFromIndex, long notInStore, List<String> missingSample,
                              List<String> notInStoreSample) {

        public Consistency {
            missingSample = missingSample == null ? List.of() : List.copyOf(missingSample);
            notInStoreSample = notInStoreSample == null ? List.of() : List.copyOf(notInStoreSample);
        }

        public boolean consistent() {
            return missingFromIndex == 0 && notInStore == 0;
        }
    }

    /**
     * @param done    items re-indexed so far
     * @param total   items in the store when the rebuild started
     * @param started when it started
     */
    public record RebuildProgress(long done, long total, Instant started) {
    }
}
