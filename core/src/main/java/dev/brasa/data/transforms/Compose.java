package dev.brasa.data.transforms;

import dev.brasa.Tensor;
import java.util.List;
import java.util.Objects;

/** Transforms applied in order ({@code transforms.Compose([...])}). */
public final class Compose implements Transform {
    private final List<Transform> transforms;

    /** The transforms, first applied first. */
    public Compose(Transform... transforms) {
        this.transforms = List.of(Objects.requireNonNull(transforms, "transforms"));
    }

    @Override public Tensor apply(Tensor x) {
        Tensor r = x;
        for (Transform t : transforms) r = t.apply(r);
        return r;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Compose(\n");
        for (Transform t : transforms) sb.append("    ").append(t).append('\n');
        return sb.append(')').toString();
    }
}
