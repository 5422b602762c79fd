package dev.brasa.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.nn.Linear;
import org.junit.jupiter.api.Test;

/** The internal door's setData, which Module.to uses to move a Parameter's data and keep the object. */
class TensorAccessTest {
    @Test
    void setDataPointsATensorAtOtherDataAndKeepsItsIdentityAndGrad() {
        Linear m = new Linear(2, 2);
        var w = m.weight();
        m.forward(Brasa.ones(1, 2)).sum().backward();
        Tensor grad = w.grad();
        Tensor data = Brasa.tensor(new float[][] {{1, 2}, {3, 4}}).t();
        TensorAccess.get().setData(w, data);
        assertSame(w, m.weight());
        assertArrayEquals(new float[] {1, 3, 2, 4}, w.toFloatArray(), "the new data, its layout (a transposed view) kept");
        assertSame(grad, w.grad());
        assertTrue(w.requiresGrad());
        assertSame(TensorAccess.get().storageOf(data), TensorAccess.get().storageOf(w));
        var e = assertThrows(IllegalArgumentException.class, () -> TensorAccess.get().setData(w, Brasa.zeros(3)));
        assertEquals("setData: a torch.float32 [2, 2] tensor cannot take the data of a torch.float32 [3] one", e.getMessage());
        m.to(dev.brasa.Device.CPU);
        assertSame(w, m.weight(), "to() on the device it is on changes nothing");
    }
}
