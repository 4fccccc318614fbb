package dev.rialto.api.campaigns;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way to reach a recipient (outbox file, email, webhook, ...). Registered with the service property
 * {@code rialto.provider=<name>}; a campaign's deliver step names it.
 */
@ConsumerType
public interface DeliveryChannel {

    /** The consent the recipient must have given. */
    Purpose purpose();

    /**
     * Delivers, or throws. Must be idempotent on {@link Delivery#deliveryId()} where the medium allows it: after
     * a crash the runner repeats deliveries whose outcome it did not record.
     *
     * @throws DeliveryException when it fails; {@link DeliveryException#retryable()} says whether to try again
     */
    void deliver(Delivery delivery) throws DeliveryException;
}
