package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** toString() against PyTorch's str() for every layout its printer distinguishes (scripts/golden/printing.py). */
@org.junit.jupiter.api.extension.ExtendWith(FixtureGuard.class)
class PrintingTest {
    static final Fixtures F = Fixtures.load("printing.txt");

    static Stream<String> cases() {
        return Stream.of("fixed", "int_mode", "sci_small", "sci_large", "sci_ratio", "zeros", "neg_zero", "scalar",
                "scalar_int_mode", "long", "long_2d", "bool", "double", "wrap", "wrap_long", "summarize_1d",
                "summarize_2d", "summarize_3d", "empty", "empty_2d", "empty_long", "inf_nan", "big_values", "half_even",
                "three_d");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsLikePyTorch(String name) {
        assertEquals(F.text(name + ".str"), F.tensor(name).toString());
    }

    @org.junit.jupiter.api.Test
    void printsAutogradSuffixes() {
        Tensor a = F.tensor("req_grad").requiresGrad_();
        assertEquals(F.text("req_grad.str"), a.toString());
        assertEquals(F.text("grad_fn.str"), a.mul(2f).sum().toString());
        Assertions2.assertClose(F.tensor("grad_fn"), a.mul(2f).sum().detach(), 1e-6, 1e-6, "the printed value");
        assertEquals(F.text("req_grad_wide.str"), F.tensor("req_grad_wide").requiresGrad_().toString());
    }

    @org.junit.jupiter.api.Test
    void aStateDictPrintsAsPyTorchsOrderedDict() {
        Brasa.manualSeed(0);
        var m = new dev.brasa.nn.Sequential(new dev.brasa.nn.Linear(2, 4), new dev.brasa.nn.Tanh(), new dev.brasa.nn.Linear(4, 1));
        assertEquals(F.text("state_dict.str"), m.stateDict().toString());
        assertEquals(F.text("state_dict_empty.str"), new dev.brasa.nn.Tanh().stateDict().toString());
    }
}
