package dev.rialto.api.campaigns;

/** The state of a campaign run. */
public enum RunStatus {
    /** Being worked on, or interrupted and waiting to be resumed. */
    RUNNING,
    /** Every recipient has an outcome. */
    COMPLETED,
    /** Stopped by an error before every recipient had an outcome; the reason is in the summary. */
    FAILED,
    /** Stopped on request. */
    CANCELLED
}
