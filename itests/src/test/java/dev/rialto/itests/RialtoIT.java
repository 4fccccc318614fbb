package dev.rialto.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class RialtoIT {

    private static final List<String> FEATURES = List.of("rialto-api", "rialto");

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Configuration
    public Option[] config() {
        return RialtoOptions.distribution();
    }

    @Test
    public void everyRialtoFeatureIsInstalledAndItsBundlesAreActive() throws Exception {
        for (String feature : FEATURES) {
            assertTrue(feature + " installed", features.isInstalled(features.getFeature(feature)));
        }
        List<Bundle> rialto = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().startsWith("dev.rialto")).collect(Collectors.toList());
        assertTrue("rialto bundles present", rialto.size() >= 1);
        for (Bundle bundle : rialto) {
            assertEquals(bundle.getSymbolicName() + " active", Bundle.ACTIVE, bundle.getState());
        }
    }
}
