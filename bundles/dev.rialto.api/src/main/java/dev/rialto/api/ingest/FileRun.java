package dev.rialto.api.ingest;

import dev.rialto.api.common.Require;
import java.time.Instant;

/**
 * The journal of one file's ingestion: what was committed so far, so that a file interrupted by a crash resumes
 * after its last committed record and is marked done only when all of it is committed.
 *
 * @param source      the source (the route's kind or mapping)
 * @param file        the file name
 * @param fingerprint the file's content fingerprint (SHA-256 of its first bytes and its name)
 * @param committed   records read whose outcome (stored, duplicate or dead letter) is committed
 * @param line        the source line of the last committed record (0: none)
 * @param stored      records stored so far
 * @param duplicates  records already stored before
 * @param rejected    records dead-lettered
 * @param state       running, done or failed
 * @param error       why the file failed, else null
 * @param started     when the first run began
 * @param updated     the last checkpoint
 */
public record FileRun(String source, String file, String fingerprint, long committed, long line, long stored,
        long duplicates, long rejected, State state, String error, Instant started, Instant updated) {

    public enum State { RUNNING, DONE, FAILED }

    public FileRun {
        source = DeadLetter.cut(Require.nonBlank(source, "source"), 255);
        file = DeadLetter.cut(Require.nonBlank(file, "file"), 1024);
        Require.nonBlank(fingerprint, "fingerprint");
        Require.nonNull(state, "state");
        error = error == null ? null : DeadLetter.cut(error, DeadLetter.MAX_REASON);
        Require.nonNull(started, "started");
        Require.nonNull(updated, "updated");
    }
}
