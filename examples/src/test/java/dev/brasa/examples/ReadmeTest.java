package dev.brasa.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} code block of the README compiles as shown against the library (its import
 * lines kept as imports, the rest as the body of a method), and the consumer project in it/ is the
 * README's first program, line for line.
 */
class ReadmeTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    static List<String> javaBlocks() throws IOException {
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(ROOT.resolve("README.md")));
        List<String> blocks = new ArrayList<>();
        while (m.find()) blocks.add(m.group(1));
        return blocks;
    }

    @Test
    void everyJavaBlockCompilesAsShown() throws IOException {
        List<String> blocks = javaBlocks();
        assertTrue(blocks.size() >= 3, "the README has its code blocks: " + blocks.size());
        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            StringBuilder imports = new StringBuilder(), body = new StringBuilder();
            for (String line : blocks.get(i).split("\n")) (line.startsWith("import ") ? imports : body).append(line).append('\n');
            String name = "ReadmeBlock" + i;
            String src = imports + "\nclass " + name + " {\n    static void run() throws Exception {\n" + body + "    }\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override public CharSequence getCharContent(boolean ignore) { return src; }
            });
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> d = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("readme-blocks");
        boolean ok = javac.getTask(null, null, d, List.of("-cp", System.getProperty("java.class.path"), "-d", out.toString(),
                "--add-modules", "jdk.incubator.vector", "-proc:none"), null, sources).call();
        StringBuilder why = new StringBuilder();
        d.getDiagnostics().forEach(x -> why.append(x.getSource() == null ? "" : x.getSource().getName()).append(':')
                .append(x.getLineNumber()).append(": ").append(x.getMessage(null)).append('\n'));
        assertTrue(ok, "README code blocks that do not compile:\n" + why);
    }

    @Test
    void theConsumerProjectIsTheReadmesFirstProgram() throws IOException {
        String block = javaBlocks().stream().filter(b -> b.contains("BCEWithLogitsLoss lossFn")).findFirst().orElseThrow();
        List<String> readme = block.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<String> consumer = Files.readAllLines(ROOT.resolve("it/consumer/src/main/java/consumer/Main.java")).stream()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<String> imports = readme.stream().filter(l -> l.startsWith("import ")).toList();
        List<String> body = readme.stream().filter(l -> !l.startsWith("import ")).toList();
        assertTrue(consumer.containsAll(imports), "the README's imports");
        int at = consumer.indexOf(body.get(0));
        assertTrue(at >= 0 && at + body.size() <= consumer.size(), "the README's first line in it/consumer: " + body.get(0));
        assertEquals(body, consumer.subList(at, at + body.size()), "it/consumer's Main holds the README's block line for line");
    }
}
