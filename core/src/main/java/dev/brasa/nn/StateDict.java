package dev.brasa.nn;

import dev.brasa.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The map {@link Module#stateDict()} returns: names to tensors in registration order, printed as
 * PyTorch prints a state dict, {@code OrderedDict([('linear1.weight', tensor([...])), ...])}.
 */
final class StateDict extends LinkedHashMap<String, Tensor> {
    private static final long serialVersionUID = 1L;

    @Override public String toString() {
        if (isEmpty()) return "OrderedDict()";
        StringBuilder sb = new StringBuilder("OrderedDict([");
        boolean first = true;
        for (Map.Entry<String, Tensor> e : entrySet()) {
            sb.append(first ? "" : ", ").append("('").append(e.getKey().replace("\\", "\\\\").replace("'", "\\'")).append("', ")
                    .append(e.getValue()).append(')');
            first = false;
        }
        return sb.append("])").toString();
    }
}
