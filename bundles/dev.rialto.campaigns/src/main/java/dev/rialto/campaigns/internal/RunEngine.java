package dev.rialto.campaigns.internal;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.Delivery;
import dev.rialto.api.campaigns.DeliveryChannel;
import dev.rialto.api.campaigns.DeliveryException;
import dev.rialto.api.campaigns.FrequencyRule;
import dev.rialto.api.campaigns.Purpose;
import dev.rialto.api.campaigns.RunStatus;
import dev.rialto.api.campaigns.Variant;
import dev.rialto.api.profiles.Consent;
import dev.rialto.api.profiles.Profile;
import dev.rialto.campaigns.internal.CampaignTables.Member;
import dev.rialto.campaigns.internal.CampaignTables.MemberStatus;
import dev.rialto.campaigns.internal.CampaignTables.Outcome;
import dev.rialto.campaigns.internal.CampaignTables.RunRow;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through one run: snapshots the audience, then gives each member exactly one outcome, chunk by chunk in
 * profile-id order, on a pool of workers. Every state change is committed before the next step, so a run that
 * stops anywhere (crash, kill -9, lost lease) resumes where it was: members already recorded are never touched
 * again, and members whose delivery may have gone out without being recorded are delivered again with the same
 * delivery id, which the channels de-duplicate.
 */
final class RunEngine {
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    /** The knobs of the engine (from the bundle's configuration). */
    record Settings(int chunkSize, int maxAttempts, Duration retryBackoff, boolean consentUnknownEmail,
            boolean consentUnknownPersonalisation, boolean consentUnknownAds) {
    }

    private final CampaignTables tables;
    private final Audience audience;
    private final Composer composer;
    private final Function<String, DeliveryChannel> channels;
    private final ExecutorService workers;
    private final int parallelism;
    private final Settings settings;
    private final Clock clock;

    RunEngine(CampaignTables tables, Audience audience, Composer composer, Function<String, DeliveryChannel> channels,
            ExecutorService workers, int parallelism, Settings settings, Clock clock) {
        this.tables = tables;
        this.audience = audience;
        this.composer = composer;
        this.channels = channels;
        this.workers = workers;
        this.parallelism = parallelism;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Runs (or resumes) the run to its end and records its final status, unless {@code stop} is raised (shutdown,
     * lost lease): then it returns with the run still RUNNING, to be resumed.
     */
    RunStatus execute(RunRow run, AtomicBoolean stop) throws InterruptedException {
        CampaignDefinition definition = CampaignJson.parse(run.definition());
        String channelName = definition.channel();
        try {
            if ("SNAPSHOT".equals(run.phase())) {
                snapshot(run, definition);
            }
            while (!stop.get()) {
                DeliveryChannel channel = channels.apply(channelName);
                if (channel == null) {
                    throw new IllegalStateException("no delivery channel named '" + channelName + "' is installed");
                }
                Instant deferredUntil = pass(run, definition, channel, stop);
                if (stop.get()) {
                    break;
                }
                if (deferredUntil == null) {
                    tables.finishRun(run.campaignId(), run.id(), RunStatus.COMPLETED, null, clock.instant());
                    return RunStatus.COMPLETED;
                }
                // Quiet hours: wait for the earliest end, in short steps so a stop is noticed.
                LOG.info("Run {} of campaign {}: recipients in quiet hours, resuming at {}", run.id(),
                        run.campaignId(), deferredUntil);
                while (!stop.get() && clock.instant().isBefore(deferredUntil)) {
                    Thread.sleep(Math.min(1000, Math.max(1, Duration.between(clock.instant(), deferredUntil).toMillis())));
                }
            }
            return RunStatus.RUNNING;
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("Run {} of campaign {} failed: {}", run.id(), run.campaignId(), e.getMessage());
            tables.finishRun(run.campaignId(), run.id(), RunStatus.FAILED, e.getMessage(), clock.instant());
            return RunStatus.FAILED;
        }
    }

    private void snapshot(RunRow run, CampaignDefinition definition) {
        List<Member> members = new ArrayList<>();
        audience.select(definition.audience(), id -> {
            String arm = Assignment.arm(definition, id);
            boolean holdout = arm.equals(CampaignDefinition.HOLDOUT);
            members.add(new Member(id, arm, holdout ? MemberStatus.SKIPPED : MemberStatus.PENDING,
                    holdout ? "holdout" : null, 0));
        });
        tables.snapshot(run.id(), members, clock.instant());
        LOG.info("Run {} of campaign {}: audience of {}", run.id(), run.campaignId(), members.size());
    }

    /** One pass over the open members; returns when the earliest deferred member may go, or null if none. */
    private Instant pass(RunRow run, CampaignDefinition definition, DeliveryChannel channel, AtomicBoolean stop)
            throws InterruptedException {
        Semaphore slots = new Semaphore(parallelism * 2);
        List<CompletableFuture<Instant>> pending = new ArrayList<>();
        String after = "";
        while (!stop.get()) {
            List<Member> chunk = tables.open(run.id(), after, settings.chunkSize());
            if (chunk.isEmpty()) {
                break;
            }
            after = chunk.get(chunk.size() - 1).profileId();
            slots.acquire();
            pending.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return chunk(run, definition, channel, chunk, stop);
                } finally {
                    slots.release();
                }
            }, workers));
            for (CompletableFuture<Instant> f : pending) {
                if (f.isCompletedExceptionally()) {
                    rethrow(f); // a step could not run at all: the run fails
                }
            }
        }
        Instant earliest = null;
        for (CompletableFuture<Instant> f : pending) {
            Instant until = rethrow(f);
            if (until != null && (earliest == null || until.isBefore(earliest))) {
                earliest = until;
            }
        }
        return earliest;
    }

    private static Instant rethrow(CompletableFuture<Instant> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Gives every member of the chunk its outcome; returns the earliest time a deferred member may go. */
    private Instant chunk(RunRow run, CampaignDefinition definition, DeliveryChannel channel, List<Member> chunk,
            AtomicBoolean stop) {
        Instant now = clock.instant();
        List<String> ids = chunk.stream().map(Member::profileId).toList();
        Map<String, Profile> profiles = audience.profiles(ids);
        Map<FrequencyRule, Map<String, Integer>> counts = new HashMap<>();
        for (FrequencyRule rule : definition.frequencyRules()) {
            if (rule.appliesTo(definition.channel())) {
                counts.put(rule, tables.deliveriesSince(ids, rule.channel(), now.minus(rule.window())));
            }
        }
        Map<String, Variant> arms = new HashMap<>();
        definition.variants().forEach(v -> arms.put(v.name(), v));
        int step = definition.steps().size() - 1;

        List<Outcome> outcomes = new ArrayList<>();
        List<Delivery> toSend = new ArrayList<>();
        List<Composer.Recipient> recipients = new ArrayList<>();
        Instant deferred = null;
        for (Member m : chunk) {
            Profile p = profiles.get(m.profileId());
            String skip = null;
            if (p == null) {
                skip = "profile-gone";
            } else if (!consents(p, channel.purpose())) {
                skip = "consent";
            } else if (overCap(m.profileId(), counts)) {
                skip = "frequency";
            }
            if (skip == null && definition.quietHours() != null) {
                ZonedDateTime local = localNow(definition, p, now);
                if (definition.quietHours().contains(local)) {
                    Instant end = quietEnd(definition, local);
                    deferred = deferred == null || end.isBefore(deferred) ? end : deferred;
                    continue; // stays open: delivered after the quiet hours
                }
            }
            if (skip != null) {
                outcomes.add(new Outcome(m.profileId(), MemberStatus.SKIPPED, skip, m.attempts(), step, null));
                continue;
            }
            recipients.add(new Composer.Recipient(arms.get(m.variant()), p, run.id() + ":" + m.profileId() + ":"
                    + step));
        }
        Map<String, Integer> attemptsBefore = new HashMap<>();
        chunk.forEach(m -> attemptsBefore.put(m.profileId(), m.attempts()));
        List<Composer.Composed> composed = composer.composeAll(definition, recipients, run.id(), now);
        for (int i = 0; i < recipients.size(); i++) {
            Composer.Composed c = composed.get(i);
            if (c.delivery() == null) {
                String id = recipients.get(i).profile().id();
                outcomes.add(new Outcome(id, MemberStatus.SKIPPED, c.skipReason(), attemptsBefore.get(id), step,
                        null));
            } else {
                toSend.add(c.delivery());
            }
        }
        for (Delivery d : toSend) {
            if (stop.get()) {
                break; // left PENDING: the resumed run delivers it again under the same id
            }
            outcomes.add(send(channel, definition.channel(), d, step, attemptsBefore.get(d.profileId())));
        }
        tables.record(run.campaignId(), run.id(), outcomes, clock.instant());
        return deferred;
    }

    private Outcome send(DeliveryChannel channel, String channelName, Delivery d, int step, int attemptsBefore) {
        int attempts = attemptsBefore;
        String reason = null;
        for (int i = 0; i < settings.maxAttempts(); i++) {
            attempts++;
            try {
                channel.deliver(d);
                return new Outcome(d.profileId(), MemberStatus.DELIVERED, null, attempts, step, channelName);
            } catch (DeliveryException e) {
                reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (!e.retryable()) {
                    break;
                }
            } catch (RuntimeException e) {
                reason = "channel error: " + e;
            }
            if (i + 1 < settings.maxAttempts()) {
                try {
                    Thread.sleep(settings.retryBackoff().toMillis() << i);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        LOG.debug("Delivery {} failed after {} attempt(s): {}", d.deliveryId(), attempts, reason);
        return new Outcome(d.profileId(), MemberStatus.FAILED, reason, attempts, step, channelName);
    }

    private boolean consents(Profile p, Purpose purpose) {
        Consent c = p.consent();
        return switch (purpose) {
            case EMAIL -> Consent.allows(c.email(), settings.consentUnknownEmail());
            case PERSONALISATION -> Consent.allows(c.personalisation(), settings.consentUnknownPersonalisation());
            case ADS -> Consent.allows(c.ads(), settings.consentUnknownAds());
        };
    }

    private static boolean overCap(String profileId, Map<FrequencyRule, Map<String, Integer>> counts) {
        for (Map.Entry<FrequencyRule, Map<String, Integer>> e : counts.entrySet()) {
            if (e.getValue().getOrDefault(profileId, 0) >= e.getKey().max()) {
                return true;
            }
        }
        return false;
    }

    private ZoneId zone(Profile p) {
        String tz = p.attributes().get("timezone");
        if (tz != null) {
            try {
                return ZoneId.of(tz);
            } catch (DateTimeException e) {
                // A bad attribute is the profile's problem, not the run's: use the campaign's zone.
            }
        }
        return null;
    }

    private ZonedDateTime localNow(CampaignDefinition d, Profile p, Instant now) {
        ZoneId z = zone(p);
        return now.atZone(z != null ? z : d.quietHours().zone());
    }

    private static Instant quietEnd(CampaignDefinition d, ZonedDateTime local) {
        ZonedDateTime end = local.with(d.quietHours().end());
        if (!end.isAfter(local)) {
            end = end.plusDays(1);
        }
        return end.toInstant();
    }
}
