/** Campaign workflows: definitions, runs, delivery channels and reports. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.rialto.api.campaigns;
