package dev.rialto.rest.internal;

import javax.ws.rs.core.Application;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationBase;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

/**
 * The {@code rialto} JAX-RS application at {@code /api}. Resources and extensions join it through
 * {@code osgi.jaxrs.application.select=(osgi.jaxrs.name=rialto)}; having our own application keeps the auth filter
 * away from resources that other bundles put on the default application.
 */
@Component(service = Application.class)
@JaxrsApplicationBase(RialtoApplication.BASE)
@JaxrsName(RialtoApplication.NAME)
public class RialtoApplication extends Application {
    public static final String NAME = "rialto";
    public static final String BASE = "/api";
    public static final String SELECT = "(osgi.jaxrs.name=" + NAME + ")";
}
