/**
 * Ad placement: advertisers, campaigns, creatives and slots; the {@link AdPlacementEngine} that decides which creative
 * fills a slot with a trace of why; and {@link PlacementRule}, the extension point for eligibility rules.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.rialto.api.ads;
