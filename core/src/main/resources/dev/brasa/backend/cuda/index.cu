// Indexing kernels of the CUDA backend: row gather (index_select along dim 0, the batch gather of
// a TensorDataset and embedding lookups) and its backward, a row scatter-add with atomics.

extern "C" __global__ void index_select_rows_f32(const float* __restrict__ x, const long long* __restrict__ idx, float* __restrict__ out,
                                                 int count, int rowLen, int rows, int* __restrict__ badIndex) {
    long n = (long) count * rowLen;
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        int r = (int) (i / rowLen), c = (int) (i % rowLen);
        long long src = idx[r];
        if (src < 0) src += rows;
        if (src < 0 || src >= rows) { atomicExch(badIndex, 1); out[i] = 0.0f; continue; }
        out[i] = x[src * rowLen + c];
    }
}

extern "C" __global__ void index_add_rows_f32(float* __restrict__ out, const long long* __restrict__ idx, const float* __restrict__ src,
                                              int count, int rowLen, int rows) {
    long n = (long) count * rowLen;
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        int r = (int) (i / rowLen), c = (int) (i % rowLen);
        long long dst = idx[r];
        if (dst < 0) dst += rows;
        if (dst >= 0 && dst < rows) atomicAdd(&out[dst * rowLen + c], src[i]);
    }
}
