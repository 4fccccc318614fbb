package dev.rialto.api.content;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Drafts copy. Register one service per provider with {@link #PROVIDER} set to its name (for example
 * {@code rialto.provider=openai}); the {@link ContentGenerator} picks it by name per request or by configuration and
 * checks every draft against the guardrails, so providers need not. Implementations are thread-safe.
 */
@ConsumerType
public interface ContentProvider {

    /** Service property: the provider's name. */
    String PROVIDER = dev.rialto.api.common.ServiceProperties.PROVIDER;

    /** The provider's name, equal to its {@code rialto.provider}. */
    String name();

    /**
     * Drafts up to {@code brief.variants()} texts (fewer is allowed, duplicates are removed later).
     *
     * @throws ContentProviderException when the provider cannot answer (timeout, server error, bad answer)
     */
    List<String> draft(ContentBrief brief);
}
