package dev.brasa;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the PyTorch fixtures written by scripts/golden (one tensor or text per line). */
public final class Fixtures {
    private final Map<String, String[]> rows = new LinkedHashMap<>();
    private final java.util.Set<String> read = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Fixtures() {}

    public static Fixtures load(String name) {
        Fixtures f = new Fixtures();
        try (InputStream in = Fixtures.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture /golden/" + name + "; run scripts/golden");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] p = line.split("\\|", 4);
                f.rows.put(p[0], p);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return f;
    }

    public boolean has(String key) { return rows.containsKey(key); }

    public Iterable<String> keys() { return rows.keySet(); }

    public Tensor tensor(String key) {
        String[] p = row(key);
        int[] shape = p[2].isEmpty() ? new int[0] : java.util.Arrays.stream(p[2].split(",")).mapToInt(Integer::parseInt).toArray();
        String[] v = p[3].isEmpty() ? new String[0] : p[3].split(" ");
        return switch (p[1]) {
            case "float32" -> {
                float[] a = new float[v.length];
                for (int i = 0; i < v.length; i++) a[i] = (float) Double.parseDouble(py(v[i]));
                yield Brasa.fromArray(a, shape);
            }
            case "float64" -> {
                double[] a = new double[v.length];
                for (int i = 0; i < v.length; i++) a[i] = Double.parseDouble(py(v[i]));
                yield Brasa.fromArray(a, shape);
            }
            case "int64" -> {
                long[] a = new long[v.length];
                for (int i = 0; i < v.length; i++) a[i] = Long.parseLong(v[i]);
                yield Brasa.fromArray(a, shape);
            }
            case "bool" -> {
                byte[] a = new byte[v.length];
                for (int i = 0; i < v.length; i++) a[i] = Byte.parseByte(v[i]);
                yield Brasa.fromArray(a, shape);
            }
            default -> throw new IllegalStateException("not a tensor: " + key);
        };
    }

    public String text(String key) {
        String s = row(key)[3];
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '\\' -> '\\';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The rows no test has read yet (see {@link FixtureGuard}). */
    public java.util.Set<String> unread() {
        java.util.Set<String> u = new java.util.TreeSet<>(rows.keySet());
        u.removeAll(read);
        return u;
    }

    private String[] row(String key) {
        read.add(key);
        String[] p = rows.get(key);
        if (p == null) throw new IllegalStateException("no fixture row " + key);
        return p;
    }

    private static String py(String s) {
        return switch (s) {
            case "inf" -> "Infinity";
            case "-inf" -> "-Infinity";
            case "nan" -> "NaN";
            default -> s;
        };
    }
}
