package dev.brasa.data;

/**
 * A map-style dataset ({@code torch.utils.data.Dataset}): {@code size()} ({@code __len__}) and
 * {@code get(i)} ({@code __getitem__}).
 *
 * @param <T> the sample type, usually {@link Sample}
 */
public interface Dataset<T> {
    /** Number of samples. */
    int size();

    /** Sample i, 0 <= i < size(). */
    T get(int i);
}
