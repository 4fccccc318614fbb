package dev.rialto.api.retrieval;

import dev.rialto.api.common.Require;

/**
 * How the trainer turned a user's summed event weight {@code w} for an item into the iALS confidence {@code c}, so
 * that every consumer folding a new user in (the behaviour candidate source, the scorer's behaviour feature) uses
 * the same confidence the vectors were trained with.
 *
 * @param form  the formula
 * @param alpha the confidence scale, a finite number >= 0
 */
public record FoldInConfidence(Form form, double alpha) {

    /** The confidence formula. */
    public enum Form {
        /** {@code c = 1 + alpha * w} (Hu, Koren and Volinsky's linear form). */
        LINEAR,
        /** {@code c = 1 + alpha * log(1 + w)} (their log form with epsilon 1; the trainer's). */
        LOG1P
    }

    public FoldInConfidence {
        Require.nonNull(form, "form");
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite number >= 0, was " + alpha);
        }
    }

    /** The confidence of an item of summed weight {@code w >= 0}. */
    public double of(double w) {
        return switch (form) {
            case LINEAR -> 1 + alpha * w;
            case LOG1P -> 1 + alpha * Math.log1p(w);
        };
    }
}
