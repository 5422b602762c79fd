package dev.brasa.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The bytes Window2d hands the CUDA kernels by value: one native-order int per field of the kernels'
 * own {@code struct Window2d} in window.cu (read from the source here), in its order, adaptive as 0 or 1.
 * Checked without a GPU, since a field out of place would only show there.
 */
class Window2dStructTest {
    @Test
    void theStructHoldsTheKernelsFieldsInTheKernelsOrder() throws IOException {
        String cu;
        try (InputStream in = Window2d.class.getResourceAsStream("/dev/brasa/backend/cuda/window.cu")) {
            cu = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("struct Window2d \\{ int ([a-z, ]+); \\};").matcher(cu);
        assertEquals(true, m.find(), "window.cu declares struct Window2d");
        List<String> fields = Arrays.asList(m.group(1).split(",\\s*"));
        Window2d plain = Window2d.of(2, 3, 17, 13, 5, 4, 2, 3, 1, 2, 1, 2, 8, 4), adaptive = Window2d.adaptive(2, 3, 9, 8, 4, 3);
        for (Window2d g : new Window2d[] {plain, adaptive}) {
            ByteBuffer b = ByteBuffer.wrap(g.struct()).order(ByteOrder.nativeOrder());
            assertEquals(4 * fields.size(), b.remaining(), "one int per field of " + fields);
            for (String f : fields) {
                int want = switch (f) {
                    case "n" -> g.n(); case "c" -> g.c(); case "h" -> g.h(); case "w" -> g.w(); case "kh" -> g.kh(); case "kw" -> g.kw();
                    case "sh" -> g.sh(); case "sw" -> g.sw(); case "ph" -> g.ph(); case "pw" -> g.pw(); case "dh" -> g.dh(); case "dw" -> g.dw();
                    case "oh" -> g.oh(); case "ow" -> g.ow(); case "adaptive" -> g.adaptive() ? 1 : 0;
                    default -> throw new AssertionError("window.cu's Window2d has a field Window2d lacks: " + f);
                };
                assertEquals(want, b.getInt(), f + " of " + g);
            }
        }
    }
}
