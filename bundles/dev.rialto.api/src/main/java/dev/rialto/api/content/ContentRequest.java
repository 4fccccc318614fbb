package dev.rialto.api.content;

import dev.rialto.api.common.Require;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What copy to generate.
 *
 * @param kind      what the copy is for
 * @param locale    BCP 47 language tag, for example {@code en} or {@code zh-CN}
 * @param itemIds   the catalogue items the copy is about (the first is the main one), 1 to {@link #MAX_ITEMS}
 * @param audience  who the copy is for
 * @param tone      the tone, for example {@code friendly}, or null for the provider's default
 * @param maxLength the channel's limit in characters, or null for the kind's default
 * @param variants  how many distinct variants, 1 to {@link #MAX_VARIANTS}
 * @param provider  the provider to use (its {@code rialto.provider}), or null for the configured default
 * @param userId    the recipient's stored (pseudonymous) user id, or null. Surfaces that take a raw user id map it
 *                  with the {@code Pseudonymiser} first. The generator then reads the profile: its consent replaces
 *                  the audience's, and its {@code first_name} and {@code segment} fill in what the audience lacks
 * @param recommend instead of {@code itemIds}: write about this many items (1 to {@link #MAX_ITEMS}) that the
 *                  {@code Recommender} picks for {@code userId}; null when the items are given
 * @since 1.1
 */
public record ContentRequest(ContentKind kind, String locale, List<String> itemIds, Audience audience, String tone,
        Integer maxLength, int variants, String provider, String userId, Integer recommend) {

    public static final int MAX_ITEMS = 20;
    public static final int MAX_VARIANTS = 10;
    public static final int MAX_TONE_LENGTH = 40;
    public static final int MIN_LENGTH = 10;

    public ContentRequest {
        Require.nonNull(kind, "kind");
        locale = Require.nonBlank(locale, "locale").strip();
        if (!locale.matches("[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")) {
            throw new IllegalArgumentException("locale must be a language tag such as en or zh-CN, was '" + locale
                    + "'");
        }
        userId = Require.optional(userId);
        if (recommend != null) {
            if (recommend < 1 || recommend > MAX_ITEMS) {
                throw new IllegalArgumentException("recommend must be between 1 and " + MAX_ITEMS + ", was "
                        + recommend);
            }
            if (userId == null) {
                throw new IllegalArgumentException("userId is required with recommend: whose recommendations?");
            }
            if (itemIds != null && !itemIds.isEmpty()) {
                throw new IllegalArgumentException("itemIds: give item ids or recommend, not both");
            }
            itemIds = List.of();
        } else {
            Require.nonNull(itemIds, "itemIds");
            List<String> ids = new ArrayList<>(new LinkedHashSet<>(itemIds.stream()
                    .map(id -> Require.nonBlank(id, "itemIds[]").strip()).toList()));
            if (ids.isEmpty() || ids.size() > MAX_ITEMS) {
                throw new IllegalArgumentException("itemIds must hold 1 to " + MAX_ITEMS + " ids, had "
                        + ids.size());
            }
            itemIds = List.copyOf(ids);
        }
        audience = audience == null ? Audience.ANYONE : audience;
        tone = Require.optional(tone);
        if (tone != null && (tone.length() > MAX_TONE_LENGTH || !tone.matches("[\\p{L}\\p{N} -]+"))) {
            throw new IllegalArgumentException("tone must be at most " + MAX_TONE_LENGTH
                    + " letters, digits, spaces or hyphens");
        }
        if (maxLength != null && (maxLength < MIN_LENGTH || maxLength > kind.defaultMaxLength() * 4)) {
            throw new IllegalArgumentException("maxLength must be between " + MIN_LENGTH + " and "
                    + kind.defaultMaxLength() * 4 + " for " + kind.id() + ", was " + maxLength);
        }
        if (variants < 1 || variants > MAX_VARIANTS) {
            throw new IllegalArgumentException("variants must be between 1 and " + MAX_VARIANTS + ", was "
                    + variants);
        }
        provider = Require.optional(provider);
    }

    /** A request for given items, without a user (the form of version 1.0). */
    public ContentRequest(ContentKind kind, String locale, List<String> itemIds, Audience audience, String tone,
            Integer maxLength, int variants, String provider) {
        this(kind, locale, itemIds, audience, tone, maxLength, variants, provider, null, null);
    }

    /**
     * One variant about the {@code count} items recommended to a user.
     *
     * @param userId the stored (pseudonymous) user id
     * @since 1.1
     */
    public static ContentRequest recommended(ContentKind kind, String locale, String userId, int count) {
        return new ContentRequest(kind, locale, List.of(), Audience.ANYONE, null, null, 1, null, userId, count);
    }

    /** Whether the items come from the recommender rather than {@link #itemIds()}. */
    public boolean recommends() {
        return recommend != null;
    }

    /** One variant of one item with the defaults. */
    public static ContentRequest of(ContentKind kind, String locale, String itemId) {
        return new ContentRequest(kind, locale, List.of(itemId), Audience.ANYONE, null, null, 1, null);
    }

    /** The limit that applies: {@link #maxLength()} or the kind's default. */
    public int effectiveMaxLength() {
        return maxLength == null ? kind.defaultMaxLength() : maxLength;
    }

    /** The language part of the locale, lower case ({@code zh} for {@code zh-CN}). */
    public String language() {
        return languageOf(locale);
    }

    static String languageOf(String locale) {
        int cut = locale.indexOf('-') >= 0 ? locale.indexOf('-') : locale.indexOf('_');
        return (cut < 0 ? locale : locale.substring(0, cut)).toLowerCase(java.util.Locale.ROOT);
    }
}
