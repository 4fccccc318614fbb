package dev.rialto.demo.internal;

/**
 * A generated user with latent tastes.
 *
 * @param preference       probability of each top-level category (sums to 1)
 * @param favourite        index of the top-level category with the highest preference
 * @param strongTaste      whether the favourite holds at least 80% of the preference
 * @param priceSensitivity 0 (buys the expensive end) to 1 (buys the cheap end)
 * @param activity         relative number of sessions
 */
record DemoUser(String id, double[] preference, int favourite, boolean strongTaste, double priceSensitivity,
        double activity, String country, String ageBand) {
}
