package dev.rialto.campaigns.internal.schedule;

import dev.rialto.api.campaigns.CampaignBusyException;
import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.campaigns.internal.CampaignManager;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each enabled campaign with a schedule into a Camel route {@code campaign-<id>} (Quartz cron), registered
 * as a {@code RoutesBuilder} service that the Camel bundle adds to its context; the route is replaced when the
 * schedule changes and removed with the campaign. A firing while the previous run is still going is skipped and
 * logged: runs of one campaign never overlap.
 */
public final class CampaignScheduler implements CampaignManager.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignScheduler.class);

    private final BundleContext context;
    private final CampaignService campaigns;
    private final Map<String, Scheduled> routes = new HashMap<>();
    private boolean closed;

    private record Scheduled(String cron, ServiceRegistration<RoutesBuilder> registration) {
    }

    public CampaignScheduler(BundleContext context, CampaignService campaigns) {
        this.context = context;
        this.campaigns = campaigns;
    }

    /** The Quartz endpoint of a campaign's schedule. */
    public static String endpoint(String campaignId, String cron) {
        return "quartz://rialto-campaigns/" + campaignId + "?cron="
                + URLEncoder.encode(cron, StandardCharsets.UTF_8) + "&stateful=true";
    }

    public static String routeId(String campaignId) {
        return "campaign-" + campaignId;
    }

    @Override
    public synchronized void changed(List<CampaignDefinition> definitions) {
        if (closed) {
            return;
        }
        Map<String, String> wanted = new HashMap<>();
        for (CampaignDefinition d : definitions) {
            if (d.enabled() && d.schedule() != null) {
                wanted.put(d.id(), d.schedule());
            }
        }
        routes.entrySet().removeIf(e -> {
            if (!e.getValue().cron().equals(wanted.get(e.getKey()))) {
                unregister(e.getKey(), e.getValue());
                return true;
            }
            return false;
        });
        wanted.forEach((id, cron) -> routes.computeIfAbsent(id, k -> register(k, cron)));
    }

    private Scheduled register(String id, String cron) {
        String uri = endpoint(id, cron);
        RoutesBuilder builder = new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(routeId(id)).routeDescription("Scheduled runs of campaign " + id + " (" + cron + ")")
                        .process(exchange -> fire(id));
            }
        };
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("rialto.campaign", id);
        LOG.info("Campaign {} scheduled: {}", id, cron);
        return new Scheduled(cron, context.registerService(RoutesBuilder.class, builder, props));
    }

    private void fire(String id) {
        try {
            campaigns.trigger(id, "schedule");
        } catch (CampaignBusyException e) {
            LOG.info("Scheduled run of campaign {} skipped: run {} is still going", id, e.runningRunId());
        } catch (RuntimeException e) {
            LOG.warn("Scheduled run of campaign {} could not start: {}", id, e.getMessage());
        }
    }

    private static void unregister(String id, Scheduled s) {
        try {
            s.registration().unregister();
            LOG.info("Campaign {} unscheduled", id);
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }

    public synchronized void close() {
        closed = true;
        routes.forEach(CampaignScheduler::unregister);
        routes.clear();
    }
}
