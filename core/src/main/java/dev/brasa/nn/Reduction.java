package dev.brasa.nn;

/** How a loss reduces its per-element values ({@code reduction='mean'|'sum'|'none'}). */
public enum Reduction {
    /** The mean (the default). */ MEAN,
    /** The sum. */ SUM,
    /** No reduction: per-element (or per-sample) losses. */ NONE
}
