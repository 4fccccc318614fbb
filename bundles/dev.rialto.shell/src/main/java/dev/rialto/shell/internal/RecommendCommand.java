package dev.rialto.shell.internal;

import dev.rialto.api.privacy.Pseudonymiser;
import dev.rialto.api.recommend.Recommender;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code rialto:recommend USER [-n N] [--category PREFIX] [--exclude-purchased] [--brand B]... [--min-price X]
 * [--max-price Y]}.
 */
@Service
@Command(scope = "rialto", name = "recommend", description = "Recommends items for a user and shows why.")
public class RecommendCommand implements Action {

    @Argument(index = 0, name = "user", description = "The user id", required = true)
    private String user;

    @Option(name = "-n", aliases = "--count", description = "How many items (1 to 1000)")
    private int n = 10;

    @Option(name = "--category", description = "Only items whose category path starts with this prefix")
    private String category;

    @Option(name = "--exclude-purchased", description = "Leave out items the user already bought")
    private boolean excludePurchased;

    @Option(name = "--brand", description = "Only items of this brand (repeat, or separate with commas)",
            multiValued = true)
    private List<String> brands;

    @Option(name = "--min-price", description = "Only items priced at least this")
    private String minPrice;

    @Option(name = "--max-price", description = "Only items priced at most this")
    private String maxPrice;

    @Reference
    private Session session;

    @Reference(optional = true)
    private Recommender recommender;

    /** Sources' user ids are stored pseudonymised: look the given id up the same way. */
    @Reference(optional = true)
    private Pseudonymiser pseudonymiser;

    @Override
    public Object execute() {
        String stored = pseudonymiser == null || user == null ? user : pseudonymiser.userId(user);
        session.getConsole().print(RecommendationText.recommendFiltered(recommender, stored, n,
                FilterOptions.filter(category, brands, minPrice, maxPrice, excludePurchased)));
        return null;
    }
}
