package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal of the restricted unpickler, one hand-written pickle each: the message must name
 * what was wrong (the global, the opcode, the values), and where (the byte offset of the opcode).
 * Pickles are written as Latin-1 strings: each char is one byte.
 */
class PickleRefusalsTest {
    private static final String P2 = "\u0080\u0002";

    /** A storage source that serves any key as a float storage of numel zeros. */
    private static final TorchUnpickler.Storages ZEROS = new TorchUnpickler.Storages() {
        @Override public TorchUnpickler.StorageRef storage(TorchDType type, String key, String location, long numel) {
            return new TorchUnpickler.StorageRef(key, type, numel);
        }

        @Override public Tensor view(TorchUnpickler.StorageRef s, long offset, long[] size, long[] stride) {
            return Brasa.zeros(1);
        }
    };

    static Stream<Arguments> refusals() {
        String x1 = "X\u0001\u0000\u0000\u0000";
        String storage = "(X\u0007\u0000\u0000\u0000storage" + "ctorch\nFloatStorage\n" + x1 + "0" + "X\u0003\u0000\u0000\u0000cpu" + "K\u0006tQ";
        String rebuild = "ctorch._utils\n_rebuild_tensor_v2\n(" + storage + "K\u0000";
        return Stream.of(
                Arguments.of(P2 + "ccollections\nOrderedDict\n]\u0085R.", "OrderedDict called with 1 arguments", 29),
                Arguments.of(P2 + "K\u0001)R.", "REDUCE calls a int, not an allowlisted global", 5),
                Arguments.of(P2 + "ccollections\nOrderedDict\n]R.", "REDUCE arguments are a list, not a tuple", 28),
                Arguments.of(P2 + "ctorch._utils\n_rebuild_parameter\nK\u0001\u0089\u0086R.", "_rebuild_parameter needs (tensor", -1),
                Arguments.of(P2 + "ctorch._utils\n_rebuild_parameter\n)R.", "_rebuild_parameter needs (tensor", -1),
                Arguments.of(P2 + "ctorch._tensor\n_rebuild_from_type_v2\nK\u0001\u0085R.", "_rebuild_from_type_v2 needs", -1),
                Arguments.of(P2 + "ctorch._tensor\n_rebuild_from_type_v2\n(ctorch\nSize\nK\u0001)NtR.", "_rebuild_from_type_v2 needs", -1),
                Arguments.of(P2 + "ctorch._tensor\n_rebuild_from_type_v2\n(ctorch\nSize\nctorch\nSize\n)NtR.", "_rebuild_from_type_v2 needs", -1),
                Arguments.of(P2 + "c_codecs\nencode\n" + x1 + "aX\u0004\u0000\u0000\u0000utf8\u0086R.", "_codecs.encode needs (str, 'latin1')", -1),
                Arguments.of(P2 + "c_codecs\nencode\nK\u0001X\u0006\u0000\u0000\u0000latin1\u0086R.", "_codecs.encode needs (str, 'latin1')", -1),
                Arguments.of(P2 + "c_codecs\nencode\n" + x1 + "a\u0085R.", "_codecs.encode needs (str, 'latin1')", -1),
                Arguments.of(P2 + "ctorch\nSize\nK\u0001\u0085R.", "torch.Size needs one tuple", -1),
                Arguments.of(P2 + "ctorch\nSize\n))\u0086R.", "torch.Size needs one tuple", -1),
                Arguments.of(P2 + "ctorch\ndevice\nK\u0001\u0085R.", "torch.device needs (type) or (type, index)", -1),
                Arguments.of(P2 + "ctorch\ndevice\n" + x1 + "aX\u0001\u0000\u0000\u0000b\u0086R.", "torch.device needs", -1),
                Arguments.of(P2 + "ctorch\ndevice\nK\u0001K\u0002\u0086R.", "torch.device needs", -1),
                Arguments.of(P2 + "c__builtin__\nset\nK\u0001\u0085R.", "set needs no argument or one list", -1),
                Arguments.of(P2 + "c__builtin__\nset\n]]\u0086R.", "set needs no argument or one list", -1),
                Arguments.of(P2 + "c__builtin__\nbytearray\nK\u0001\u0085R.", "bytearray needs no argument, bytes, or (str, 'latin-1')", -1),
                Arguments.of(P2 + "c__builtin__\nbytearray\n" + x1 + "aK\u0001\u0086R.", "bytearray needs", -1),
                Arguments.of(P2 + "c__builtin__\nbytearray\n" + x1 + "a" + x1 + "b\u0086R.", "bytearray needs", -1),
                Arguments.of(P2 + "c__builtin__\nbytes\nK\u0001\u0085R.", "bytes is only rebuilt with no argument", -1),
                Arguments.of(P2 + "ctorch\nTensor\n)R.", "a tensor type cannot be called in weights-only loading", -1),
                Arguments.of(P2 + "]K\u0001b.", "BUILD of a list with a int is not allowed", 5),
                Arguments.of(P2 + "}]b.", "BUILD of a dict with a list is not allowed", 4),
                Arguments.of(P2 + "ctorch\nTensor\n)\u0081.", "NEWOBJ of global TENSOR_TYPE with tuple is not allowed", -1),
                Arguments.of(P2 + "(i", "opcode INST", 3),
                Arguments.of(P2 + "(o", "opcode OBJ", 3),
                Arguments.of(P2 + "\u0092", "opcode NEWOBJ_EX", 2),
                Arguments.of(P2 + "\u0082", "extension-registry opcodes (EXT1/2/4)", 2),
                Arguments.of(P2 + "\u0083", "extension-registry opcodes", 2),
                Arguments.of(P2 + "\u0084", "extension-registry opcodes", 2),
                Arguments.of(P2 + "\u0097", "out-of-band buffers", 2),
                Arguments.of(P2 + "\u0098", "out-of-band buffers", 2),
                Arguments.of(P2 + "P0\n.", "text persistent ids (PERSID)", 2),
                Arguments.of(P2 + "S'a'\n.", "protocol-0 text strings (STRING/UNICODE)", 2),
                Arguments.of(P2 + "Va\n.", "protocol-0 text strings", 2),
                Arguments.of(P2 + "\u00ff", "unknown pickle opcode 0xff", 2),
                Arguments.of(P2 + "})K\u0001s.", "a tuple as a dict key is not supported", 6),
                Arguments.of(P2 + "}(]K\u0001u.", "a list as a dict key is not supported", 7),
                Arguments.of(P2 + "(K\u0001d.", "odd number of items (1) for a dict", 5),
                Arguments.of(P2 + "](K\u0001\u0090.", "ADDITEMS on a list", 6),
                Arguments.of(P2 + "}K\u0001a.", "APPEND to a dict, not a list", 5),
                Arguments.of(P2 + "}(K\u0001e.", "APPEND to a dict, not a list", 6),
                Arguments.of(P2 + "]K\u0001K\u0002s.", "SETITEM on a list, not a dict", 7),
                Arguments.of(P2 + "K\u0001K\u0002\u0093.", "STACK_GLOBAL needs two strings", 6),
                Arguments.of(P2 + x1 + "aK\u0002\u0093.", "STACK_GLOBAL needs two strings", 10),
                Arguments.of(P2 + "ctorch\nComplexFloatStorage\n.", "storage type 'torch.ComplexFloatStorage' is not supported", 2),
                Arguments.of(P2 + "ctorch\nTypedStorageX\n.", "global 'torch.TypedStorageX' is not on the weights-only allowlist", 2),
                Arguments.of(P2 + "K\u0001Q.", "persistent id 1 is not ('storage', type, key, location, numel)", 4),
                Arguments.of(P2 + "(X\u0007\u0000\u0000\u0000storageK\u0001K\u0002K\u0003K\u0004tQ.",
                        "persistent id ('storage', 1, 2, 3, 4) is not", -1),
                Arguments.of(P2 + "(X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nK\u0002K\u0003K\u0004tQ.",
                        "persistent id ('storage', storage type FLOAT, 2, 3, 4) is not", -1),
                Arguments.of(P2 + "(X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\n" + x1 + "0K\u0003K\u0004tQ.",
                        "persistent id ('storage', storage type FLOAT, '0', 3, 4) is not", -1),
                Arguments.of(P2 + "(X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\n" + x1 + "0" + x1 + "cG\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000tQ.",
                        "persistent id ('storage', storage type FLOAT, '0', 'c', 0.0) is not", -1),
                Arguments.of(P2 + "(X\u0007\u0000\u0000\u0000storageK\u0001tQ.", "persistent id ('storage', 1) is not", -1),
                Arguments.of(P2 + "(X\u0006\u0000\u0000\u0000storxgK\u0001K\u0002K\u0003K\u0004tQ.", "persistent id ('storxg', 1, 2, 3, 4) is not", -1),
                Arguments.of(P2 + "ctorch._utils\n_rebuild_tensor_v2\nK\u0001\u0085R.", "_rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks), got 1 arguments", -1),
                Arguments.of(P2 + rebuild + "(K\u0002K\u0003t(K\u0001t\u0089NtR.", "tensor size (2, 3) and stride (1,) differ in length", -1),
                Arguments.of(P2 + rebuild + "(" + x1 + "at(K\u0001t\u0089NtR.", "tensor size ('a',) or stride (1,) is not all integers", -1),
                Arguments.of(P2 + rebuild + "(K\u0001K\u0001K\u0001K\u0001K\u0001K\u0001K\u0001K\u0001)t(K\u0001t\u0089NtR.",
                        "tensor size (1, 1, 1, 1, 1, 1, 1, 1, ...) and stride (1,) differ", -1),
                Arguments.of(P2 + rebuild + "(K\u0001t(G\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000t\u0089NtR.",
                        "tensor size (1,) or stride (0.0,) is not all integers", -1),
                Arguments.of(P2 + rebuild + "(K\u0001t(\u0088t\u0089NtR.", "tensor size (1,) or stride (true,) is not all integers", -1),
                Arguments.of(P2 + rebuild + "(K\u0001t(Nt\u0089NtR.", "tensor size (1,) or stride (None,) is not all integers", -1),
                Arguments.of(P2 + "K\u0001K\u0002.", "STOP with 2 values on the stack", 6),
                Arguments.of(P2 + "(K\u0001.", "STOP with 1 values on the stack", 5),
                Arguments.of("\u0080\u0006", "pickle protocol 6 is newer than 5", 0),
                Arguments.of(P2 + "h\u0005.", "memo key 5 was never stored", 2),
                Arguments.of(P2 + "j\u0005\u0000\u0000\u0001.", "memo key 16777221 was never stored", 2),
                Arguments.of(P2 + "0.", "pickle stack underflow", 2),
                Arguments.of(P2 + "K\u0001(0.", "pickle stack underflow", 5),
                Arguments.of(P2 + "K\u0001(2.", "pickle stack underflow", 5),
                Arguments.of(P2 + "t.", "no MARK on the stack", 2),
                Arguments.of(P2 + "X\u00ff\u0000\u0000\u0000a.", "length 255 runs past the end of the 9-byte pickle", 2),
                Arguments.of(P2 + "X\u00ff\u00ff\u00ff\u00ffa.", "length -1 runs past the end", 2),
                Arguments.of(P2 + "\u008d\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0080a.", "length -9223372036854775807 runs past", 2),
                Arguments.of(P2 + "J\u0001", "pickle ends in the middle of an opcode", 2),
                Arguments.of(P2 + "M\u0001", "pickle ends in the middle of an opcode", 2),
                Arguments.of(P2 + "K", "pickle ends in the middle of an opcode", 2),
                Arguments.of(P2 + "\u0095\u0001\u0000\u0000", "pickle ends in the middle of an opcode", 2),
                Arguments.of(P2 + "G\u0001\u0000\u0000", "pickle ends in the middle of an opcode", 2),
                Arguments.of(P2 + "C\u0005ab", "pickle ends in the middle of an opcode", 2),
                Arguments.of(P2 + "I12", "text argument without a newline within 4096 bytes", 2),
                Arguments.of(P2 + "I" + "1".repeat(5000) + "\n.", "text argument without a newline within 4096 bytes", 2),
                Arguments.of(P2 + "Iabc\n.", "'abc' is not a 64-bit integer", 2),
                Arguments.of(P2 + "I" + "x".repeat(50) + "\n.", "'" + "x".repeat(40) + "...' is not a 64-bit integer", 2),
                Arguments.of(P2 + "I" + "9".repeat(40) + "\n.", "integer " + "9".repeat(40) + " does not fit in 64 bits", 2),
                Arguments.of(P2 + "I" + "9".repeat(41) + "\n.", "integer " + "9".repeat(40) + "... does not fit in 64 bits", 2),
                Arguments.of(P2 + "Fzz\n.", "'zz' is not a float", 2),
                Arguments.of(P2 + x1 + "\u00ff.", "string is not valid UTF-8", 2),
                Arguments.of(P2 + "\u008a\u0009\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0001.", "integer 18446744073709551616 does not fit in 64 bits", 2),
                Arguments.of(P2 + "\u008a\u0008\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0080.", ".", -2),
                Arguments.of(P2 + "\u008b\u0028\u0000\u0000\u0000" + "\u0001".repeat(40) + ".", "integer of 40 bytes does not fit in 64 bits", 2),
                Arguments.of(P2 + "\u008b\u0021\u0000\u0000\u0000" + "\u0001".repeat(33) + ".", "integer of 33 bytes does not fit", 2),
                Arguments.of(P2 + "\u008b\u0020\u0000\u0000\u0000" + "\u0001".repeat(32) + ".", "integer 45" , 2),
                Arguments.of(P2 + "K\u0001", "pickle ends without a STOP opcode", 4));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusals")
    void eachRefusalNamesWhatAndWhere(String pickle, String message, int at) {
        byte[] b = pickle.getBytes(StandardCharsets.ISO_8859_1);
        if (at == -2) { // not a refusal: the most negative 64-bit integer loads
            assertEquals(Long.MIN_VALUE, assertDoesNotThrow(b));
            return;
        }
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> new TorchUnpickler(Path.of("hostile.pt"), 100, b, ZEROS).load());
        String m = e.getMessage();
        assertTrue(m.startsWith("hostile.pt: data.pkl: "), m);
        assertTrue(m.contains(message), "'" + message + "' in: " + m);
        if (at >= 0) assertTrue(m.endsWith("(at byte offset " + (100 + at) + ")"), "offset " + (100 + at) + " in: " + m);
    }

    private static Object assertDoesNotThrow(byte[] b) {
        try {
            return new TorchUnpickler(Path.of("ok.pt"), 0, b, ZEROS).load();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
