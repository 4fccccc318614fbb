package dev.rialto.shell.internal;

import org.osgi.framework.Bundle;

/** Bundle state names as {@code bundle:list} shows them. */
final class BundleStates {

    private BundleStates() {
    }

    static String name(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "Uninstalled";
            case Bundle.INSTALLED -> "Installed";
            case Bundle.RESOLVED -> "Resolved";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            case Bundle.ACTIVE -> "Active";
            default -> "Unknown(" + state + ")";
        };
    }
}
