package dev.rialto.rest.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Principal;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the JAAS path against an in-test realm, the way Karaf's realm answers (UserPrincipal + RolePrincipals). */
class JaasAuthenticatorTest {
    private Configuration previous;

    /** Accepts marketer/pw with a direct role and a principal of another kind that must not count as a role. */
    public static class TestLoginModule implements LoginModule {
        private Subject subject;
        private CallbackHandler handler;
        private final Set<Principal> principals = new HashSet<>();

        @Override
        public void initialize(Subject s, CallbackHandler h, Map<String, ?> shared, Map<String, ?> options) {
            subject = s;
            handler = h;
        }

        @Override
        public boolean login() throws LoginException {
            NameCallback name = new NameCallback("user");
            PasswordCallback password = new PasswordCallback("password", false);
            try {
                handler.handle(new Callback[] {name, password});
            } catch (Exception e) {
                throw new LoginException(e.getMessage());
            }
            if (!"marketer".equals(name.getName()) || !"pw".equals(new String(password.getPassword()))) {
                throw new FailedLoginException("login failed");
            }
            principals.add(new RolePrincipal("rialto-marketer"));
            principals.add(() -> "not-a-role");
            return true;
        }

        @Override
        public boolean commit() {
            subject.getPrincipals().addAll(principals);
            return true;
        }

        @Override
        public boolean abort() {
            principals.clear();
            return true;
        }

        @Override
        public boolean logout() {
            subject.getPrincipals().removeAll(principals);
            return true;
        }
    }

    @BeforeEach
    void installRealm() {
        previous = Configuration.getConfiguration();
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                if (!"test".equals(name)) {
                    return null;
                }
                return new AppConfigurationEntry[] {new AppConfigurationEntry(TestLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of())};
            }
        });
    }

    @AfterEach
    void restoreRealm() {
        Configuration.setConfiguration(previous);
    }

    @Test
    void goodCredentialsYieldDirectRolesOnly() {
        JaasAuthenticator authenticator = new JaasAuthenticator("test", getClass().getClassLoader());
        assertEquals(Optional.of(Set.of("rialto-marketer")), authenticator.login("marketer", "pw"));
    }

    @Test
    void wrongCredentialsYieldEmpty() {
        JaasAuthenticator authenticator = new JaasAuthenticator("test", getClass().getClassLoader());
        assertTrue(authenticator.login("marketer", "nope").isEmpty());
        assertTrue(authenticator.login("nobody", "pw").isEmpty());
    }

    @Test
    void unknownRealmIsUnavailableAndTcclIsRestored() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        JaasAuthenticator authenticator = new JaasAuthenticator("missing", new ClassLoader(null) {
        });
        assertThrows(AuthenticationUnavailableException.class, () -> authenticator.login("marketer", "pw"));
        assertSame(before, Thread.currentThread().getContextClassLoader());
    }
}
