package dev.rialto.rest.internal.auth;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in to a Karaf JAAS realm. Karaf's JAAS configuration hands out {@code ProxyLoginModule}, which
 * {@link LoginContext} loads through the thread context class loader: it is set to this bundle's loader (which
 * imports {@code org.apache.karaf.jaas.boot}) for the duration of the login.
 */
public final class JaasAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(JaasAuthenticator.class);

    private final String realm;
    private final ClassLoader loader;

    public JaasAuthenticator(String realm, ClassLoader loader) {
        this.realm = realm;
        this.loader = loader;
    }

    @Override
    public Optional<Set<String>> login(String user, String password) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Subject subject = new Subject();
            LoginContext context;
            try {
                context = new LoginContext(realm, subject, callbacks(user, password));
            } catch (LoginException | SecurityException e) {
                throw new AuthenticationUnavailableException("JAAS realm '" + realm + "' is not available", e);
            }
            try {
                context.login();
            } catch (LoginException e) {
                // No user name, no message: with detailed login exceptions the message names the user.
                LOG.debug("Login to realm {} refused ({})", realm, e.getClass().getSimpleName());
                return Optional.empty();
            }
            // Only direct roles (RolePrincipal) count; group principals are ignored on purpose.
            Set<String> roles = subject.getPrincipals(RolePrincipal.class).stream()
                    .map(Principal::getName)
                    .collect(Collectors.toUnmodifiableSet());
            try {
                context.logout();
            } catch (LoginException e) {
                LOG.debug("Logout from realm {} failed ({})", realm, e.getClass().getSimpleName());
            }
            return Optional.of(roles);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static CallbackHandler callbacks(String user, String password) {
        return (Callback[] callbacks) -> {
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    name.setName(user);
                } else if (callback instanceof PasswordCallback pass) {
                    pass.setPassword(password.toCharArray());
                } else {
                    throw new UnsupportedCallbackException(callback);
                }
            }
        };
    }
}
