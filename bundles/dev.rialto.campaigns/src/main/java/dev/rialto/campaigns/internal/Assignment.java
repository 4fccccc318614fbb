package dev.rialto.campaigns.internal;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.Variant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Puts a profile into an arm of a campaign: a hash of (campaign, profile) picks a bucket 0-99, so a profile stays
 * in the same arm (and the holdout stays the same people) run after run, and arms are independent across
 * campaigns. Buckets [0, holdout) are the holdout, then each variant in order.
 */
final class Assignment {
    private Assignment() {
    }

    static int bucket(String campaignId, String profileId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((campaignId + '\u0000' + profileId).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xff);
            }
            return (int) Long.remainderUnsigned(v, 100);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The variant's name, or {@link CampaignDefinition#HOLDOUT}. */
    static String arm(CampaignDefinition d, String profileId) {
        int b = bucket(d.id(), profileId);
        if (b < d.holdoutPercent()) {
            return CampaignDefinition.HOLDOUT;
        }
        int edge = d.holdoutPercent();
        for (Variant v : d.variants()) {
            edge += v.percent();
            if (b < edge) {
                return v.name();
            }
        }
        return d.variants().get(d.variants().size() - 1).name();
    }
}
