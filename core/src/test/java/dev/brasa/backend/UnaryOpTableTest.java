package dev.brasa.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.backend.cuda.KernelCompiler;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The op table keeps its promises: each unary derivative reads only what the row says the backward
 * saves (a row that saves the output while its derivative reads the input would be a silent wrong
 * gradient), and the CUDA sources name op codes only through the macros generated from the enums.
 */
class UnaryOpTableTest {
    private static final double[] XS = {-2.5, -1, -0.3, 0.2, 0.7, 1.5, 3};

    @Test
    void eachDerivativeReadsOnlyWhatItsRowSaves() {
        double garbage = 12345.678;
        for (UnaryOp op : UnaryOp.values()) {
            double p = op == UnaryOp.CLAMP ? -1 : 0.5, q = op == UnaryOp.CLAMP ? 1 : 0;
            for (double x0 : XS) {
                double x = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW ? Math.abs(x0) : x0;
                double y = op.apply(x, p, q), want = op.derivative(x, y, p, q);
                double got = switch (op.saves()) {
                    case INPUT -> op.derivative(x, garbage, p, q);
                    case OUTPUT -> op.derivative(garbage, y, p, q);
                    case NOTHING -> op.derivative(garbage, garbage, p, q);
                };
                assertEquals(want, got, 0, op + " saves " + op.saves() + " but its derivative at x = " + x + " reads more");
            }
            assertTrue(op.nodeName().endsWith("Backward0") || op.nodeName().endsWith("Backward1"), op.nodeName());
        }
    }

    @Test
    void kernelSourcesUseTheGeneratedOpCodesOnly() {
        Pattern literal = Pattern.compile("case \\d+:|op == \\d");
        String header = KernelCompiler.header();
        for (String name : KernelCompiler.SOURCES) {
            String text = KernelCompiler.source(name).substring(header.length());
            assertFalse(literal.matcher(text).find(), name + " compares an op code with a number: use the UNARY_/BINARY_/REDUCE_ macros");
        }
        for (UnaryOp op : UnaryOp.values()) {
            assertTrue(header.contains("#define UNARY_" + op.name() + " " + op.ordinal() + "\n"), op.name());
            assertTrue(header.contains("case UNARY_" + op.name() + ": return " + op.cudaForward() + ";"), op.name());
            assertTrue(header.contains("case UNARY_" + op.name() + ": return " + op.cudaBackward() + ";"), op.name());
        }
        for (BinaryOp op : BinaryOp.values()) assertTrue(header.contains("#define BINARY_" + op.name() + " " + op.ordinal() + "\n"));
        String elementwise = KernelCompiler.source("elementwise.cu");
        for (BinaryOp op : BinaryOp.values()) {
            assertTrue(elementwise.contains("case BINARY_" + op.name() + ":"), "binary_op has no case for " + op);
        }
    }
}
