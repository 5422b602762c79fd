package dev.brasa;

/**
 * What {@code torch.max(x, dim)} and {@code torch.min(x, dim)} return: the values (differentiable)
 * and the INT64 indices where they are, as PyTorch's {@code (values, indices)} named tuple.
 *
 * <pre>{@code
 * Tensor predicted = outputs.max(1).indices();   // _, predicted = torch.max(outputs, 1)
 * }</pre>
 *
 * @param values the largest (smallest) values along the dim
 * @param indices where each of them is along the dim (the first, on ties)
 */
public record ValuesIndices(Tensor values, Tensor indices) {
    @Override public String toString() {
        return "ValuesIndices(\nvalues=" + values + ",\nindices=" + indices + ")";
    }
}
