package dev.brasa.backend;

/**
 * What a kernel sees of a tensor: a storage and the strided layout of the elements it reads or
 * writes. Broadcast operands arrive already expanded (stride 0 on broadcast dimensions).
 *
 * @param storage the buffer
 * @param shape   sizes, outermost first
 * @param strides element strides, same length as shape
 * @param offset  element offset of index (0, ..., 0)
 */
public record View(Storage storage, int[] shape, int[] strides, int offset) {

    /** Number of elements described. */
    public int numel() {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** True when the elements are dense in row-major order (strides of size-1 dims ignored). */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** True when the elements are all of the storage's, dense, in row-major order (a write of them leaves nothing else). */
    public boolean coversStorage() {
        return offset == 0 && isContiguous() && numel() == storage.size();
    }

    /** Row-major strides for a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return st;
    }

    /** A contiguous view over a whole storage. */
    public static View contiguous(Storage storage, int[] shape) {
        return new View(storage, shape, contiguousStrides(shape), 0);
    }
}
