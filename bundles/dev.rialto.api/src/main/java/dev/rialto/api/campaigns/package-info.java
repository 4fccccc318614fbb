/** Campaign workflows: definitions, runs, delivery channels and reports. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.1")
package dev.rialto.api.campaigns;
