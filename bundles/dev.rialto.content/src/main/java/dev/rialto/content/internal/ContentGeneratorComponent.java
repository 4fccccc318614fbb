package dev.rialto.content.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemChangeListener;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.common.ServiceProperties;
import dev.rialto.api.content.ContentGenerator;
import dev.rialto.api.content.ContentKind;
import dev.rialto.api.content.ContentProvider;
import dev.rialto.api.content.ContentRequest;
import dev.rialto.api.content.ContentResponse;
import dev.rialto.api.content.GuardrailReport;
import dev.rialto.api.embeddings.TextEmbedder;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import dev.rialto.api.recommend.RecommendationRequest;
import dev.rialto.api.recommend.RecommendedItem;
import dev.rialto.api.recommend.Recommender;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ContentGenerator}: the provider registry (every {@link ContentProvider} service, by its
 * {@code rialto.provider}), the template provider with its extender for bundles' templates and the templates
 * folder, and the guardrails. Configuration PID {@code dev.rialto.content}.
 */
@Component(service = {ContentGenerator.class, ItemChangeListener.class}, configurationPid = "dev.rialto.content",
        property = ServiceProperties.BEAN_NAME + "=contentGenerator")
@Designate(ocd = ContentGeneratorComponent.Config.class)
public class ContentGeneratorComponent implements ContentGenerator, ItemChangeListener {
    private static final Logger LOG = LoggerFactory.getLogger(ContentGeneratorComponent.class);

    @ObjectClassDefinition(name = "Rialto content generation",
            description = "Providers, guardrails, regeneration and the template fallback.")
    public @interface Config {
        @AttributeDefinition(name = "Default provider",
                description = "The provider for requests that name none (template, grounded, openai, ollama, ...).")
        String default_provider() default "template";

        @AttributeDefinition(name = "Regenerations",
                description = "How many times a provider is asked again after its drafts failed the guardrails, "
                        + "before the template provider takes over (0 to 5).")
        int regenerations() default 2;

        @AttributeDefinition(name = "Duplicate similarity",
                description = "Variants whose cosine similarity to an accepted variant is above this are dropped.")
        double duplicate_similarity() default 0.9;

        @AttributeDefinition(name = "Personalise when consent is unknown",
                description = "Whether a first name may be used when the profile's consent does not say.")
        boolean personalisation_when_unknown() default false;

        @AttributeDefinition(name = "Length limits",
                description = "kind=characters pairs that replace the kinds' default limits, e.g. ad-headline=30.")
        String[] length_limits() default {};

        @AttributeDefinition(name = "Banned claims", description = "Phrases no copy may contain (case-insensitive).")
        String[] banned_claims() default {};

        @AttributeDefinition(name = "Claims that need grounding",
                description = "Phrases copy may contain only when the item's data does.")
        String[] grounded_claims() default {};

        @AttributeDefinition(name = "Ungrounded blocks",
                description = "Whether numbers and claims missing from the item's data fail the text (else warn).")
        boolean ungrounded_blocking() default true;

        @AttributeDefinition(name = "Sender address",
                description = "The sender's postal address, required in every email body.")
        String sender_address() default ContentConfigDefaults.SENDER;

        @AttributeDefinition(name = "Unsubscribe link",
                description = "The unsubscribe link, or the placeholder the delivery replaces, required in every "
                        + "email body.")
        String unsubscribe_url() default ContentConfigDefaults.UNSUBSCRIBE_URL;

        @AttributeDefinition(name = "Item cache size",
                description = "Catalogue items held in memory for generation (0 = read the store every time); "
                        + "the store's change feed keeps them current.")
        int item_cache_size() default 20000;

        @AttributeDefinition(name = "Templates folder",
                description = "Folder of <kind>/<language>/<name>.mustache files; empty = ${karaf.etc}/rialto/templates.")
        String templates_dir() default "";
    }

    private final ItemRepository itemRepository;
    private final Map<String, ContentProvider> providers = new ConcurrentHashMap<>();
    private final Map<TextEmbedder, String[]> embedders = new ConcurrentHashMap<>();
    private final AtomicReference<ProfileRepository> profiles = new AtomicReference<>();
    private final AtomicReference<Recommender> recommender = new AtomicReference<>();
    private volatile ItemCache items;
    private volatile ContentEngine engine;
    private volatile TemplateCatalog catalog;
    private TemplateExtender extender;

    @Activate
    public ContentGeneratorComponent(@Reference ItemRepository itemRepository) {
        this.itemRepository = itemRepository;
    }

    @Activate
    void activate(BundleContext context, Config config) {
        catalog = new TemplateCatalog(folder(config));
        engine = engine(config, catalog);
        extender = new TemplateExtender(context, catalog);
        extender.open();
        LOG.info("Content generation: default provider {}, {} regenerations, templates folder {}",
                config.default_provider(), config.regenerations(), folder(config));
    }

    @Modified
    void modified(Config config) {
        engine = engine(config, catalog);
        LOG.info("Content generation reconfigured: default provider {}", config.default_provider());
    }

    @Deactivate
    void deactivate() {
        if (extender != null) {
            extender.close();
        }
    }

    /** Builds the engine; invalid configuration fails here with the property's name. */
    ContentEngine engine(Config config, TemplateCatalog templates) {
        String defaultProvider = config.default_provider() == null || config.default_provider().isBlank()
                ? TEMPLATE_PROVIDER : config.default_provider().strip();
        if (config.regenerations() < 0 || config.regenerations() > 5) {
            throw new IllegalArgumentException("regenerations must be between 0 and 5, was "
                    + config.regenerations());
        }
        if (!(config.duplicate_similarity() > 0 && config.duplicate_similarity() <= 1)) {
            throw new IllegalArgumentException("duplicate.similarity must be in (0, 1], was "
                    + config.duplicate_similarity());
        }
        Map<ContentKind, Integer> limits = new EnumMap<>(ContentKind.class);
        for (String pair : list(config.length_limits())) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("length.limits entries must be kind=characters, was '" + pair
                        + "'");
            }
            ContentKind kind;
            int limit;
            try {
                kind = ContentKind.parse(kv[0]);
                limit = Integer.parseInt(kv[1].strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("length.limits: " + e.getMessage(), e);
            }
            if (limit < ContentRequest.MIN_LENGTH) {
                throw new IllegalArgumentException("length.limits: " + kind.id() + " must be at least "
                        + ContentRequest.MIN_LENGTH);
            }
            limits.put(kind, limit);
        }
        if (config.sender_address() == null || config.sender_address().isBlank()) {
            throw new IllegalArgumentException("sender.address must not be blank");
        }
        if (config.unsubscribe_url() == null || config.unsubscribe_url().isBlank()) {
            throw new IllegalArgumentException("unsubscribe.url must not be blank");
        }
        List<String> banned = list(config.banned_claims()).isEmpty() ? ContentConfigDefaults.BANNED
                : list(config.banned_claims());
        List<String> grounded = list(config.grounded_claims()).isEmpty() ? ContentConfigDefaults.GROUNDED
                : list(config.grounded_claims());
        Guardrails guardrails = new Guardrails(new Guardrails.Settings(banned, grounded,
                config.ungrounded_blocking(), config.sender_address().strip(), config.unsubscribe_url().strip(),
                ContentConfigDefaults.UNSUBSCRIBE_WORDS));
        ContentEngine.Settings settings = new ContentEngine.Settings(defaultProvider, config.regenerations(),
                config.duplicate_similarity(), config.personalisation_when_unknown(), limits);
        return new ContentEngine(settings, guardrails, new TemplateProvider(templates), providers::get,
                this::providers, items(config), this::embedder, users());
    }

    /** A new cache when its size changed (or on the first build), else the one that is warm. */
    private ItemCache items(Config config) {
        ItemCache current = items;
        if (current == null || current.capacity() != config.item_cache_size()) {
            current = new ItemCache(itemRepository::findAll, config.item_cache_size());
            items = current;
        }
        return current;
    }

    @Override
    public void itemsStored(List<Item> stored) {
        ItemCache current = items;
        if (current != null) {
            current.changed(stored);
        }
    }

    /** The profile store and the recommender as they are at the time of each request. */
    private ContentEngine.Users users() {
        return new ContentEngine.Users() {
            @Override
            public Profile profile(String userId) {
                ProfileRepository repository = profiles.get();
                return repository == null ? null : repository.find(userId).orElse(null);
            }

            @Override
            public List<String> recommended(String userId, int count) {
                Recommender r = recommender.get();
                if (r == null) {
                    return ContentEngine.Users.NONE.recommended(userId, count);
                }
                return r.recommend(new RecommendationRequest(userId, count, null)).items().stream()
                        .map(RecommendedItem::itemId).toList();
            }
        };
    }

    /** The values, each split at commas (a .cfg file gives one string), trimmed, blanks dropped. */
    static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.stream(values).flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private static Path folder(Config config) {
        String dir = config.templates_dir() == null ? "" : config.templates_dir().strip();
        if (!dir.isEmpty()) {
            return Path.of(dir);
        }
        String etc = System.getProperty("karaf.etc");
        return etc == null ? null : Path.of(etc, "rialto", "templates");
    }

    /** The embedder whose {@code rialto.languages} lists the language, or null. */
    TextEmbedder embedder(String language) {
        for (Map.Entry<TextEmbedder, String[]> e : embedders.entrySet()) {
            if (Arrays.asList(e.getValue()).contains(language)) {
                return e.getKey();
            }
        }
        return null;
    }

    @Override
    public ContentResponse generate(ContentRequest request) {
        return engine.generate(request);
    }

    @Override
    public Set<String> providers() {
        Set<String> names = new TreeSet<>(providers.keySet());
        names.add(TEMPLATE_PROVIDER);
        return names;
    }

    @Override
    public GuardrailReport check(ContentRequest request, String text) {
        return engine.check(request, text);
    }

    @Reference(name = "provider", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindProvider")
    void bindProvider(ContentProvider provider, Map<String, Object> properties) {
        Object name = properties.get(ContentProvider.PROVIDER);
        String key = name == null ? provider.name() : name.toString();
        if (TEMPLATE_PROVIDER.equals(key)) {
            LOG.warn("A content provider service named {} is ignored: the built-in template provider has that name",
                    key);
            return;
        }
        providers.put(key, provider);
        LOG.info("Content provider {} added", key);
    }

    void unbindProvider(ContentProvider provider, Map<String, Object> properties) {
        providers.values().remove(provider);
    }

    @Reference(name = "embedder", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindEmbedder")
    void bindEmbedder(TextEmbedder embedder, Map<String, Object> properties) {
        embedders.put(embedder, languages(properties.get(TextEmbedder.LANGUAGES)));
    }

    void unbindEmbedder(TextEmbedder embedder) {
        embedders.remove(embedder);
    }

    @Reference(name = "profiles", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindProfiles")
    void bindProfiles(ProfileRepository service) {
        profiles.set(service);
    }

    void unbindProfiles(ProfileRepository service) {
        profiles.compareAndSet(service, null);
    }

    @Reference(name = "recommender", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindRecommender")
    void bindRecommender(Recommender service) {
        recommender.set(service);
    }

    void unbindRecommender(Recommender service) {
        recommender.compareAndSet(service, null);
    }

    static String[] languages(Object value) {
        if (value instanceof String[] a) {
            return a;
        }
        return value == null ? new String[0] : new String[] {value.toString()};
    }
}
