package dev.rialto.campaigns.internal.deploy;

import dev.rialto.api.campaigns.CampaignDefinition;
import dev.rialto.api.campaigns.CampaignService;
import dev.rialto.campaigns.internal.CampaignJson;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Campaign definitions as files: {@code deploy/*.campaign.json} (or {@code .campaign.yaml}, {@code .campaign.yml})
 * is created or updated when the file appears or
 * changes, and deleted with the file (only if the file still owns it: a definition replaced over REST since is
 * kept). A bad file is logged with the field at fault; the running definition, if any, stays.
 */
@Component(service = ArtifactInstaller.class)
public final class CampaignFileInstaller implements ArtifactInstaller {
    public static final String SUFFIX = ".campaign.json";
    private static final List<String> YAML_SUFFIXES = List.of(".campaign.yaml", ".campaign.yml");
    private static final Logger LOG = LoggerFactory.getLogger(CampaignFileInstaller.class);

    private final CampaignService campaigns;
    /** File to the campaign it defines, to delete it with the file. */
    private final Map<String, String> owned = new ConcurrentHashMap<>();

    @Activate
    public CampaignFileInstaller(@Reference(name = "campaigns") CampaignService campaigns) {
        this.campaigns = campaigns;
    }

    @Override
    public boolean canHandle(File file) {
        String name = file.getName();
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (lower.endsWith(SUFFIX) || yaml(lower));
    }

    @Override
    public void install(File file) {
        load(file);
    }

    @Override
    public void update(File file) {
        load(file);
    }

    @Override
    public void uninstall(File file) {
        String id = owned.remove(file.getAbsolutePath());
        if (id == null) {
            return;
        }
        Optional<CampaignDefinition> current = campaigns.get(id);
        if (current.isPresent()) {
            campaigns.delete(id);
            LOG.info("Campaign {} removed with its file {}", id, file.getName());
        }
    }

    private static boolean yaml(String lowerName) {
        return YAML_SUFFIXES.stream().anyMatch(lowerName::endsWith);
    }

    private void load(File file) {
        String json;
        try {
            json = Files.readString(file.toPath(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("Campaign file {} cannot be read: {}", file.getName(), e.getMessage());
            return;
        }
        CampaignDefinition d;
        try {
            d = yaml(file.getName().toLowerCase(Locale.ROOT)) ? CampaignJson.parseYaml(json) : CampaignJson.parse(json);
        } catch (IllegalArgumentException e) {
            LOG.error("Campaign file {} is not valid and was not loaded: {}", file.getName(), e.getMessage());
            return;
        }
        String previous = owned.put(file.getAbsolutePath(), d.id());
        if (previous != null && !previous.equals(d.id())) {
            campaigns.delete(previous); // the file now defines another campaign
        }
        try {
            campaigns.save(d, "file:" + file.getName());
        } catch (RuntimeException e) {
            LOG.error("Campaign file {}: saving campaign {} failed: {}", file.getName(), d.id(), e.getMessage());
        }
    }
}
