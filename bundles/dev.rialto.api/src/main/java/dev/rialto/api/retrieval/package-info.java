@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package dev.rialto.api.retrieval;
