package dev.rialto.api.campaigns;

/** The consent a delivery channel needs from a recipient (the flags of {@code dev.rialto.api.profiles.Consent}). */
public enum Purpose {
    EMAIL, PERSONALISATION, ADS
}
