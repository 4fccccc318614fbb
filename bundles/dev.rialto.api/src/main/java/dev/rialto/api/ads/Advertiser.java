package dev.rialto.api.ads;

import dev.rialto.api.common.Require;

/** An advertiser; pausing it stops all its campaigns. */
public record Advertiser(String id, String name, AdStatus status) {
    public Advertiser {
        id = AdIds.check(id, "id");
        name = Require.nonBlank(name, "name").strip();
        status = status == null ? AdStatus.ACTIVE : status;
    }
}
