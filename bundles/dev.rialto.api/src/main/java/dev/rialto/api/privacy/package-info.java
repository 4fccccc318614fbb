/**
 * Privacy: pseudonymous user ids, and what is held about a user (export, forget).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.rialto.api.privacy;
