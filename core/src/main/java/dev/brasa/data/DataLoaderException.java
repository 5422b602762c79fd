package dev.brasa.data;

/** A sample could not be loaded; names the sample index. Rethrown in the consumer for worker threads too. */
public final class DataLoaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int sampleIndex;

    /** Failure loading sampleIndex. */
    public DataLoaderException(int sampleIndex, Throwable cause) {
        super("DataLoader failed while loading sample index " + sampleIndex + ": " + cause, cause);
        this.sampleIndex = sampleIndex;
    }

    /** The dataset index of the sample that failed. */
    public int sampleIndex() { return sampleIndex; }
}
