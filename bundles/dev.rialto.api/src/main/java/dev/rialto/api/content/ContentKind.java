package dev.rialto.api.content;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a piece of copy is for. Each kind has a default length limit and an id used in templates and REST. */
public enum ContentKind {
    PRODUCT_DESCRIPTION("product-description", 500),
    AD_HEADLINE("ad-headline", 30),
    AD_DESCRIPTION("ad-description", 90),
    EMAIL_SUBJECT("email-subject", 78),
    EMAIL_BODY("email-body", 2000),
    PUSH_MESSAGE("push-message", 120);

    private final String id;
    private final int defaultMaxLength;

    ContentKind(String id, int defaultMaxLength) {
        this.id = id;
        this.defaultMaxLength = defaultMaxLength;
    }

    /** The id in templates, configuration and REST, for example {@code ad-headline}. */
    public String id() {
        return id;
    }

    /** The channel's usual limit in characters (Unicode code points). */
    public int defaultMaxLength() {
        return defaultMaxLength;
    }

    /**
     * The kind with the given id or constant name, case-insensitive ({@code ad-headline}, {@code AD_HEADLINE}).
     *
     * @throws IllegalArgumentException naming the field {@code kind} and the valid ids
     */
    public static ContentKind parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ContentKind kind : values()) {
            if (kind.id.equals(v)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("kind must be one of " + Arrays.stream(values()).map(ContentKind::id)
                .collect(Collectors.joining(", ")) + ", was '" + value + "'");
    }
}
