// BatchNorm1d of the CUDA backend over x [rows, features]: one block per feature computes the
// batch mean and biased variance (training) or uses the running statistics (eval), normalises,
// applies weight and bias, and updates the running statistics with the unbiased variance.

#define BLOCK 256

extern "C" __global__ void batchnorm1d_forward_f32(const float* __restrict__ x, float* __restrict__ y, int rows, int features,
                                                   const float* __restrict__ weight, const float* __restrict__ bias,
                                                   float* __restrict__ runMean, float* __restrict__ runVar,
                                                   float* __restrict__ saveMean, float* __restrict__ saveInvStd,
                                                   int training, float momentum, float eps) {
    __shared__ float s1[BLOCK], s2[BLOCK];
    int f = blockIdx.x;
    float mean, var;
    if (training) {
        float a = 0.0f;
        for (int r = threadIdx.x; r < rows; r += blockDim.x) a += x[(long) r * features + f];
        s1[threadIdx.x] = a;
        __syncthreads();
        for (int s = blockDim.x / 2; s > 0; s >>= 1) {
            if (threadIdx.x < s) s1[threadIdx.x] += s1[threadIdx.x + s];
            __syncthreads();
        }
        mean = s1[0] / rows;
        float b = 0.0f;
        for (int r = threadIdx.x; r < rows; r += blockDim.x) {
            float d = x[(long) r * features + f] - mean;
            b += d * d;
        }
        s2[threadIdx.x] = b;
        __syncthreads();
        for (int s = blockDim.x / 2; s > 0; s >>= 1) {
            if (threadIdx.x < s) s2[threadIdx.x] += s2[threadIdx.x + s];
            __syncthreads();
        }
        var = s2[0] / rows;
        if (threadIdx.x == 0 && runMean != 0) {
            runMean[f] = (1.0f - momentum) * runMean[f] + momentum * mean;
            runVar[f] = (1.0f - momentum) * runVar[f] + momentum * (rows > 1 ? s2[0] / (rows - 1) : var);
        }
    } else {
        mean = runMean[f];
        var = runVar[f];
    }
    float inv = rsqrtf(var + eps);
    if (threadIdx.x == 0) {
        saveMean[f] = mean;
        saveInvStd[f] = inv;
    }
    float w = weight != 0 ? weight[f] : 1.0f, bb = bias != 0 ? bias[f] : 0.0f;
    for (int r = threadIdx.x; r < rows; r += blockDim.x) {
        long i = (long) r * features + f;
        y[i] = (x[i] - mean) * inv * w + bb;
    }
}

// training-mode backward: dx, and the per-feature dweight / dbias
extern "C" __global__ void batchnorm1d_backward_f32(const float* __restrict__ x, const float* __restrict__ g, float* __restrict__ dx,
                                                    int rows, int features, const float* __restrict__ weight,
                                                    const float* __restrict__ saveMean, const float* __restrict__ saveInvStd,
                                                    float* __restrict__ dweight, float* __restrict__ dbias) {
    __shared__ float s1[BLOCK], s2[BLOCK];
    int f = blockIdx.x;
    float mean = saveMean[f], inv = saveInvStd[f], w = weight != 0 ? weight[f] : 1.0f;
    float a = 0.0f, b = 0.0f;
    for (int r = threadIdx.x; r < rows; r += blockDim.x) {
        long i = (long) r * features + f;
        a += g[i];
        b += g[i] * (x[i] - mean) * inv;
    }
    s1[threadIdx.x] = a;
    s2[threadIdx.x] = b;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) {
            s1[threadIdx.x] += s1[threadIdx.x + s];
            s2[threadIdx.x] += s2[threadIdx.x + s];
        }
        __syncthreads();
    }
    float sumG = s1[0], sumGx = s2[0];
    if (threadIdx.x == 0) {
        if (dweight != 0) dweight[f] = sumGx;
        if (dbias != 0) dbias[f] = sumG;
    }
    for (int r = threadIdx.x; r < rows; r += blockDim.x) {
        long i = (long) r * features + f;
        float xh = (x[i] - mean) * inv;
        dx[i] = w * inv * (g[i] - sumG / rows - xh * sumGx / rows);
    }
}
