package dev.rialto.api.common;

/**
 * Service property names shared by every bundle. Routes and consumers find services through them.
 */
public final class ServiceProperties {
    /**
     * The name under which Camel routes can call a service ({@code bean:NAME} or {@code ${bean:NAME}}).
     */
    public static final String BEAN_NAME = "rialto.bean";

    /** The name of a plug-in provider, for example {@code rialto.provider=popular}. */
    public static final String PROVIDER = "rialto.provider";

    private ServiceProperties() {
    }
}
