package dev.rialto.api.rules;

import dev.rialto.api.events.EventType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What rules are evaluated against, for one user and request. Callers implement it lazily so that personal data is
 * read only when a rule needs it; {@link SimpleFacts} holds everything up front.
 */
@ConsumerType
public interface RuleFacts {

    /**
     * Whether personal data (attributes, segments, behaviour) may be used, for example the user's ads consent. When
     * false, personal leaves are false with the reason "no consent" and the other methods are not called for them.
     */
    boolean personalAllowed();

    /** The profile's attributes; empty for an unknown user. */
    Map<String, String> attributes();

    /** The segments the user belongs to. */
    Set<String> segments();

    /** A context value by field ({@code HOUR} and {@code DAY_OF_WEEK} come from {@link #localTime()}), or null. */
    String context(ContextField field);

    /** The user's local date and time. */
    LocalDateTime localTime();

    /** The instant behaviour windows end at. */
    Instant now();

    /** The user's recent actions, newest first; categories resolved. */
    List<RecentAction> recent();

    /** One past action with the item's category, for behaviour rules. */
    record RecentAction(EventType type, String itemId, String category, Instant at) {
    }

    /** Facts held up front. */
    record SimpleFacts(boolean personalAllowed, Map<String, String> attributes, Set<String> segments,
            Map<ContextField, String> contextValues, LocalDateTime localTime, Instant now, List<RecentAction> recent)
            implements RuleFacts {
        public SimpleFacts {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
            segments = segments == null ? Set.of() : Set.copyOf(segments);
            contextValues = contextValues == null ? Map.of() : Map.copyOf(contextValues);
            recent = recent == null ? List.of() : List.copyOf(recent);
            dev.rialto.api.common.Require.nonNull(localTime, "localTime");
            dev.rialto.api.common.Require.nonNull(now, "now");
        }

        @Override
        public String context(ContextField field) {
            return contextValues.get(field);
        }
    }
}
