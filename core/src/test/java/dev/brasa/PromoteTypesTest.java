package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code torch.promote_types} on Brasa's four dtypes, as PyTorch 1.13 answers, in both argument orders. */
class PromoteTypesTest {
    @Test
    void theWiderCategoryThenTheWiderType() {
        DType[][] cases = {
            {DType.BOOL, DType.BOOL, DType.BOOL}, {DType.BOOL, DType.INT64, DType.INT64}, {DType.BOOL, DType.FLOAT32, DType.FLOAT32},
            {DType.INT64, DType.FLOAT32, DType.FLOAT32}, {DType.INT64, DType.FLOAT64, DType.FLOAT64}, {DType.FLOAT32, DType.FLOAT64, DType.FLOAT64},
            {DType.INT64, DType.INT64, DType.INT64}, {DType.BOOL, DType.FLOAT64, DType.FLOAT64},
        };
        for (DType[] c : cases) {
            assertEquals(c[2], DType.promote(c[0], c[1]), c[0] + ", " + c[1]);
            assertEquals(c[2], DType.promote(c[1], c[0]), c[1] + ", " + c[0]);
        }
    }
}
