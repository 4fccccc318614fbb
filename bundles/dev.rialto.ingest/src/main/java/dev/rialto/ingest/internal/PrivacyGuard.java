package dev.rialto.ingest.internal;

import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.privacy.PrivacyService;
import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.api.privacy.UserData;
import dev.rialto.api.privacy.UserDataRepository;
import dev.rialto.api.profiles.Profile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pseudonymous user ids (HMAC-SHA256 with a secret key), the policy for personal profile fields (drop, or encrypt
 * with AES-256-GCM under a key derived from the same secret), and export and erasure of a user's data.
 *
 * <p>The same raw id always gives the same pseudonym under one key, so every source and every look-up agree;
 * without the key a pseudonym cannot be linked back to the raw id. Losing the key makes new data unlinkable to old
 * data, so it lives in a file of its own that backups must include.
 */
@Component(name = PrivacyGuard.PID, configurationPid = PrivacyGuard.PID,
        service = {PrivacyGuard.class, Pseudonymiser.class, PrivacyService.class},
        property = ServiceProperties.BEAN_NAME + "=privacy")
@Designate(ocd = PrivacyGuard.Config.class)
public class PrivacyGuard implements Pseudonymiser, PrivacyService {
    public static final String PID = "dev.rialto.ingest.privacy";
    static final String PREFIX = "ps_";
    static final String ENCRYPTED = "enc:v1:";
    private static final Pattern PSEUDONYM = Pattern.compile("ps_[0-9a-f]{32}");
    private static final Logger LOG = LoggerFactory.getLogger(PrivacyGuard.class);

    @ObjectClassDefinition(name = "Rialto privacy", description = "Pseudonymous user ids and personal fields")
    public @interface Config {
        @AttributeDefinition(description = "Replace user ids by keyed HMAC pseudonyms before storing them")
        boolean pseudonymise() default true;

        @AttributeDefinition(description = "The secret key, base64 (at least 32 bytes); empty: read from keyFile,"
                + " generated there on first start")
        String key() default "";

        @AttributeDefinition(description = "File of the generated key; empty: ${karaf.data}/rialto/privacy.key")
        String keyFile() default "";

        @AttributeDefinition(description = "Profile attributes that are personal data (lower-case names)")
        String personal_fields() default "email,name,first_name,last_name,phone,mobile,address";

        @AttributeDefinition(description = "What happens to personal fields: drop (never stored) or encrypt"
                + " (AES-256-GCM at rest; decrypted only in an export)")
        String personal_policy() default "drop";
    }

    enum Policy { DROP, ENCRYPT }

    private record State(boolean pseudonymise, SecretKeySpec hmacKey, SecretKeySpec aesKey, Set<String> personal,
            Policy policy) {
    }

    private final UserDataRepository users;
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Mac> macs = new ThreadLocal<>();
    private final ThreadLocal<SecretKeySpec> macKey = new ThreadLocal<>();
    private volatile State state;

    @Activate
    public PrivacyGuard(@Reference(name = "users") UserDataRepository users) {
        this.users = users;
    }

    @Activate
    @Modified
    public void activate(Config config) {
        byte[] secret = secret(config);
        Set<String> personal = new LinkedHashSet<>();
        for (String f : config.personal_fields().split(",")) {
            if (!f.isBlank()) {
                personal.add(f.strip().toLowerCase(Locale.ROOT));
            }
        }
        Policy policy;
        try {
            policy = Policy.valueOf(config.personal_policy().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("personal.policy must be drop or encrypt, was '"
                    + config.personal_policy() + "'");
        }
        SecretKeySpec hmac = new SecretKeySpec(derive(secret, "rialto pseudonyms v1"), "HmacSHA256");
        SecretKeySpec aes = new SecretKeySpec(derive(secret, "rialto personal fields v1"), "AES");
        state = new State(config.pseudonymise(), hmac, aes, Set.copyOf(personal), policy);
        LOG.info("Privacy: pseudonymous user ids {}, personal fields {} are {}", config.pseudonymise() ? "on" : "OFF",
                personal, policy == Policy.DROP ? "dropped" : "encrypted");
    }

    /** The configured key, else the key file's, else a new random key written to the key file (mode 0600). */
    private static byte[] secret(Config config) {
        String configured = config.key() == null ? "" : config.key().strip();
        if (!configured.isEmpty()) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(configured);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key is not base64");
            }
            if (key.length < 32) {
                throw new IllegalArgumentException("key must be at least 32 bytes, was " + key.length);
            }
            return key;
        }
        Path file = keyFile(config.keyFile());
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                try {
                    Path created = Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(created, Base64.getEncoder().encodeToString(key) + "\n");
                    LOG.info("Generated the privacy key in {} (mode 0600); back it up with the database", file);
                    return key;
                } catch (UnsupportedOperationException e) {
                    Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
                    return key;
                } catch (FileAlreadyExistsException e) {
                    // another start won the race: read it below
                }
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            if (key.length < 32) {
                throw new IllegalArgumentException("the key in " + file + " is shorter than 32 bytes");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Reading or creating the privacy key " + file + " failed: "
                    + e.getMessage(), e);
        }
    }

    static Path keyFile(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String data = System.getProperty("karaf.data");
        return Path.of(data == null ? "data" : data, "rialto", "privacy.key");
    }

    private static byte[] derive(byte[] secret, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private State state() {
        State s = state;
        if (s == null) {
            throw new IllegalStateException("The privacy component is not activated");
        }
        return s;
    }

    @Override
    public String userId(String raw) {
        if (raw == null) {
            return null;
        }
        String id = raw.strip();
        State s = state();
        if (!s.pseudonymise() || isPseudonym(id)) {
            return id;
        }
        try {
            Mac mac = macs.get();
            if (mac == null || mac.getAlgorithm() == null || macKey.get() != s.hmacKey()) {
                // one Mac per thread and key: getInstance and init cost more than the HMAC of an id
                mac = Mac.getInstance("HmacSHA256");
                mac.init(s.hmacKey());
                macs.set(mac);
                macKey.set(s.hmacKey());
            }
            byte[] digest = mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
            // 128 bits: collisions are out of reach for any realistic number of users
            return PREFIX + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 failed", e);
        }
    }

    @Override
    public boolean isPseudonym(String id) {
        return id != null && PSEUDONYM.matcher(id).matches();
    }

    /** Whether the attribute is personal data under the configuration. */
    boolean isPersonal(String attribute) {
        return state().personal().contains(attribute.toLowerCase(Locale.ROOT));
    }

    /** The attributes as they may be stored: personal ones dropped or encrypted. */
    Map<String, String> protect(Map<String, String> attributes) {
        State s = state();
        Map<String, String> out = null;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!s.personal().contains(e.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (out == null) {
                out = new HashMap<>(attributes);
            }
            if (s.policy() == Policy.DROP) {
                out.remove(e.getKey());
            } else if (!e.getValue().startsWith(ENCRYPTED)) {
                out.put(e.getKey(), encrypt(s, e.getValue()));
            }
        }
        return out == null ? attributes : out;
    }

    /** The attributes with encrypted values decrypted (an export). */
    Map<String, String> reveal(Map<String, String> attributes) {
        Map<String, String> out = new HashMap<>(attributes);
        out.replaceAll((k, v) -> v.startsWith(ENCRYPTED) ? decrypt(v, k) : v);
        return out;
    }

    private String encrypt(State s, String value) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, s.aesKey(), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return ENCRYPTED + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private String decrypt(String stored, String attribute) {
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(ENCRYPTED.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, state().aesKey(), new GCMParameterSpec(128, in, 0, 12));
            return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // a different key (it was replaced): say so rather than fail the whole export
            LOG.warn("Attribute {} could not be decrypted with the current key", attribute);
            return "(encrypted with another key)";
        }
    }

    @Override
    public UserData export(String userId) {
        UserData data = users.find(storedId(userId));
        Profile p = data.profile();
        if (p == null) {
            return data;
        }
        Profile revealed = new Profile(p.id(), reveal(p.attributes()), p.consent(), p.created(), p.updated());
        return new UserData(data.userId(), revealed, data.events(), data.deadLetters());
    }

    @Override
    public UserData forget(String userId) {
        UserData deleted = users.delete(storedId(userId));
        // the stored id only: never the raw one
        LOG.info("Forgot user {}: profile {}, {} events, {} dead letters", deleted.userId(),
                deleted.profile() == null ? "none" : "deleted", deleted.events().size(), deleted.deadLetters().size());
        return deleted;
    }

    private String storedId(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user id must not be blank");
        }
        return userId(userId);
    }
}
