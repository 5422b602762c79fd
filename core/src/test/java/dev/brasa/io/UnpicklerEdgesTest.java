package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Tensor;
import dev.brasa.io.TorchFileHostileTest.Pickle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weights-only unpickler at the edges of what PyTorch writes: each rebuild function with exactly
 * its arguments, BUILD on a tensor, lengths and text lines that end exactly at their limits, nesting
 * at its limit, and the messages that describe what was refused.
 */
class UnpicklerEdgesTest {
    @TempDir Path tmp;

    /** A torch.save zip whose pickle is p (STOP added) and whose storage '0' holds the floats 1, 2, 3. */
    Path file(Pickle p) throws IOException {
        byte[] storage = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).array();
        Path f = tmp.resolve("x.pt");
        byte[] pkl = p.op('.').bytes();
        AtomicWrite.write(f, ch -> {
            ZipWriter z = new ZipWriter(ch);
            z.add("archive/data.pkl", pkl);
            z.add("archive/data/0", storage);
            z.add("archive/version", "3\n".getBytes());
            z.finish();
        });
        return f;
    }

    /** The arguments of _rebuild_tensor_v2 for the 3-float storage '0' as a vector, with extra trailing arguments. */
    static Pickle tensorArgs(Pickle p, long[] size, long[] stride, int extra) {
        p.op('(').op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").int64(3).op('t', 'Q').int64(0).op('(');
        for (long s : size) p.int64(s);
        p.op('t', '(');
        for (long s : stride) p.int64(s);
        p.op('t', 0x89).global("collections", "OrderedDict").op(')', 'R');
        for (int i = 0; i < extra; i++) p.op('}');
        return p.op('t');
    }

    static Pickle vector(Pickle p) {
        return tensorArgs(p.global("torch._utils", "_rebuild_tensor_v2"), new long[] {3}, new long[] {1}, 0).op('R');
    }

    /** {'w': value}, where value is what fill pushes. */
    static Pickle dictOf(java.util.function.UnaryOperator<Pickle> fill) {
        return fill.apply(new Pickle().op('}').str("w")).op('s');
    }

    float[] readW(Pickle p) throws IOException {
        Map<?, ?> m = (Map<?, ?>) TorchFile.read(file(p));
        return ((Tensor) m.get("w")).toFloatArray();
    }

    String refusal(Pickle p) throws IOException {
        Path f = file(p);
        return assertThrows(FileFormatException.class, () -> TorchFile.read(f)).getMessage();
    }

    @Test
    void aTensorTakesTheStatesPyTorchGivesItInBuild() throws IOException {
        assertArrayEquals(new float[] {1, 2, 3}, readW(dictOf(p -> vector(p).op('N', 'b'))));
        assertArrayEquals(new float[] {1, 2, 3}, readW(dictOf(p -> vector(p).op('}', 'b'))));
        assertArrayEquals(new float[] {1, 2, 3}, readW(dictOf(p -> vector(p).op(')', 'b'))));
        assertTrue(refusal(dictOf(p -> vector(p).str("x").op('b'))).contains("BUILD of a tensor with a str is not allowed"));
    }

    @Test
    void eachRebuildFunctionTakesExactlyItsArguments() throws IOException {
        assertArrayEquals(new float[] {1, 2, 3}, readW(dictOf(p -> tensorArgs(p.global("torch._utils", "_rebuild_tensor_v2"), new long[] {3}, new long[] {1}, 1).op('R'))),
                "7 arguments: PyTorch adds the metadata dict when a tensor has some");
        assertTrue(refusal(dictOf(p -> tensorArgs(p.global("torch._utils", "_rebuild_tensor_v2"), new long[] {3}, new long[] {1}, 2).op('R')))
                .contains("_rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks), got 8 arguments"));
        assertArrayEquals(new float[] {1, 2, 3}, readW(dictOf(p -> vector(p.global("torch._utils", "_rebuild_parameter").op('(')).op(0x88).global("collections", "OrderedDict").op(')', 'R', 't', 'R'))));
        assertTrue(refusal(dictOf(p -> vector(p.global("torch._utils", "_rebuild_parameter").op('(')).op(0x88, 't', 'R')))
                .contains("_rebuild_parameter needs (tensor, requires_grad, hooks), got 2 arguments"));
        assertArrayEquals(new float[] {1, 2, 3}, readW(dictOf(p -> vector(p.global("torch._utils", "_rebuild_parameter_with_state").op('(')).op(0x88)
                .global("collections", "OrderedDict").op(')', 'R', '}', 't', 'R'))));
        assertTrue(refusal(dictOf(p -> vector(p.global("torch._utils", "_rebuild_parameter_with_state").op('(')).op(0x88)
                .global("collections", "OrderedDict").op(')', 'R', 't', 'R'))).contains("_rebuild_parameter_with_state needs (tensor, requires_grad, hooks, state), got 3 arguments"));
    }

    /** _rebuild_from_type_v2(_rebuild_tensor_v2, type, args, state): a Tensor or a Parameter, nothing else. */
    @Test
    void rebuildFromTypeTakesTensorAndParameterOnly() throws IOException {
        for (String[] type : new String[][] {{"torch", "Tensor"}, {"torch.nn.parameter", "Parameter"}}) {
            assertArrayEquals(new float[] {1, 2, 3}, readW(dictOf(p -> tensorArgs(p.global("torch._tensor", "_rebuild_from_type_v2").op('(')
                    .global("torch._utils", "_rebuild_tensor_v2").global(type[0], type[1]), new long[] {3}, new long[] {1}, 0).op('}', 't', 'R'))), type[1]);
        }
        assertTrue(refusal(dictOf(p -> tensorArgs(p.global("torch._tensor", "_rebuild_from_type_v2").op('(')
                .global("torch._utils", "_rebuild_tensor_v2").global("collections", "OrderedDict"), new long[] {3}, new long[] {1}, 0).op('}', 't', 'R')))
                .contains("_rebuild_from_type_v2 needs (an allowlisted function, Tensor or Parameter, args, state)"));
    }

    @Test
    void aStorageTypeItDoesNotReadIsRefusedWithTheOnesItDoes() throws IOException {
        String m = refusal(dictOf(p -> p.global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage").global("torch", "ComplexFloatStorage")));
        assertTrue(m.contains("storage type 'torch.ComplexFloatStorage' is not supported (dtypes read: FloatStorage, DoubleStorage, HalfStorage, "
                + "BFloat16Storage, LongStorage, IntStorage, ShortStorage, CharStorage, ByteStorage, BoolStorage)"), m);
    }

    @Test
    void refusedTuplesAreDescribedUpToEightItems() throws IOException {
        long[] eight = {1, 1, 1, 1, 1, 1, 1, 1}, seven = {1, 1, 1, 1, 1, 1, 1}, nine = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        assertTrue(refusal(dictOf(p -> tensorArgs(p.global("torch._utils", "_rebuild_tensor_v2"), eight, seven, 0).op('R')))
                .contains("tensor size (1, 1, 1, 1, 1, 1, 1, 1) and stride (1, 1, 1, 1, 1, 1, 1) differ in length"));
        assertTrue(refusal(dictOf(p -> tensorArgs(p.global("torch._utils", "_rebuild_tensor_v2"), nine, new long[] {1}, 0).op('R')))
                .contains("tensor size (1, 1, 1, 1, 1, 1, 1, 1, ...) and stride (1,) differ in length"));
    }

    @Test
    void aLengthThatEndsExactlyAtTheEndIsRead() throws IOException {
        Path f = tmp.resolve("short.pkl");
        Files.write(f, new byte[] {(byte) 0x80, 2, 'X', 3, 0, 0, 0, 'a', 'b', 'c'}); // the string fits; no STOP follows
        String m = assertThrows(FileFormatException.class, () -> dev.brasa.io.Pickle.read(f)).getMessage();
        assertTrue(m.contains("pickle ends without a STOP opcode"), m);
    }

    @Test
    void aGlobalsNameLineMayBe4096BytesLong() throws IOException {
        String exact = "m".repeat(4096);
        assertFalse(refusal(dictOf(p -> p.global(exact, "x"))).contains("without a newline"), "4096 bytes before the newline are allowed");
        String over = "m".repeat(4097);
        assertTrue(refusal(dictOf(p -> p.global(over, "x"))).contains("text argument without a newline within 4096 bytes"));
    }

    /** A pickle of n nested lists (kind 0), dicts {'k': ...} (1) or 1-tuples (2), as Pickle.read resolves them. */
    Object nested(int n, int kind) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2});
        if (kind == 2) b.write(')');
        for (int i = 0; i < n; i++) {
            if (kind == 1) b.writeBytes(i < n - 1 ? new byte[] {'}', 'X', 1, 0, 0, 0, 'k'} : new byte[] {'}'});
            else if (kind == 0) b.write(']');
        }
        for (int i = 0; i < n - 1; i++) b.write(kind == 0 ? 'a' : kind == 1 ? 's' : 0x85);
        b.write('.');
        Path f = tmp.resolve("nested.pkl");
        Files.write(f, b.toByteArray());
        return dev.brasa.io.Pickle.read(f);
    }

    @Test
    void containersNestOneThousandDeepAndNoDeeper() throws IOException {
        for (int kind = 0; kind < 3; kind++) {
            Object o = nested(1001, kind); // depths 0 to 1000
            for (int i = 0; i < 1000; i++) o = kind == 1 ? ((Map<?, ?>) o).get("k") : kind == 0 ? ((List<?>) o).get(0) : ((Object[]) o)[0];
            assertEquals(kind == 2 ? 0 : 1, o instanceof Object[] t ? t.length : kind == 1 ? ((Map<?, ?>) o).size() + 1 : ((List<?>) o).size() + 1);
            int k = kind;
            String m = assertThrows(FileFormatException.class, () -> nested(1002, k)).getMessage();
            assertTrue(m.contains("containers nested deeper than 1000"), m);
        }
    }
}
