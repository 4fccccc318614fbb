package dev.rialto.api.routes;

import java.util.Objects;

/**
 * A route file whose routes are not (all) running as written.
 *
 * @param file    the file's absolute path
 * @param error   what is wrong, for a person (names the line when the parser gave one)
 * @param running true when the routes of the file's previous good version are still running
 */
public record RouteFileProblem(String file, String error, boolean running) {
    public RouteFileProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(error, "error");
    }
}
