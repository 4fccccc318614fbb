package dev.rialto.api.ads;

import dev.rialto.api.common.Require;
import java.util.List;

/**
 * One ad of a campaign.
 *
 * @param id         unique id
 * @param campaignId its campaign
 * @param format     for example {@code banner}, {@code native}, {@code text}; must equal the slot's
 * @param size       for example {@code 300x250}, or null when the format has no size (native, text)
 * @param headline   title text
 * @param body       body text, may be empty
 * @param imageUrl   image, or null
 * @param landingUrl where a click goes (http or https)
 * @param itemIds    catalogue items it promotes
 * @param status     whether it may serve
 */
public record Creative(String id, String campaignId, String format, String size, String headline, String body,
        String imageUrl, String landingUrl, List<String> itemIds, AdStatus status) {

    public Creative {
        id = AdIds.check(id, "id");
        campaignId = AdIds.check(campaignId, "campaign");
        format = Require.nonBlank(format, "format").strip().toLowerCase(java.util.Locale.ROOT);
        size = Slot.checkSize(size);
        headline = Require.nonBlank(headline, "headline").strip();
        body = body == null ? "" : body.strip();
        imageUrl = url(imageUrl, "imageUrl", false);
        landingUrl = url(landingUrl, "landingUrl", true);
        itemIds = itemIds == null ? List.of() : List.copyOf(itemIds);
        status = status == null ? AdStatus.ACTIVE : status;
    }

    static String url(String value, String field, boolean required) {
        String url = Require.optional(value);
        if (url == null) {
            if (required) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            return null;
        }
        if (!url.matches("(?i)https?://\\S+")) {
            throw new IllegalArgumentException(field + " must be an http or https URL");
        }
        return url;
    }
}
