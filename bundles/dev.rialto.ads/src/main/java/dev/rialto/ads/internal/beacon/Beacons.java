package dev.rialto.ads.internal.beacon;

/** Signs and checks beacon tokens; the placement component provides it with its configured secret. */
public interface Beacons {

    /** A token for the impression and click beacons of a filled decision. */
    String sign(String decisionId, String creativeId);

    /** @throws BeaconTokens.BadTokenException when the token is malformed, forged or expired */
    BeaconTokens.Claim verify(String token) throws BeaconTokens.BadTokenException;
}
