// Counter-based random numbers of the CUDA backend (Philox-4x32-10, Salmon et al. 2011): each
// element's numbers depend only on (seed, offset, element index), so a launch needs no state and a
// run is reproducible for a seed. Used for dropout masks on the device (modes 0 and 1, uniform and normal fills, are not wired to
// rand/randn yet: those draw from PyTorch's CPU generator so that seeded runs match PyTorch).

__device__ __forceinline__ uint4 philox(uint4 c, uint2 k) {
    for (int r = 0; r < 10; r++) {
        unsigned int hi0 = __umulhi(0xD2511F53u, c.x), lo0 = 0xD2511F53u * c.x;
        unsigned int hi1 = __umulhi(0xCD9E8D57u, c.z), lo1 = 0xCD9E8D57u * c.z;
        c = make_uint4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
        k.x += 0x9E3779B9u;
        k.y += 0xBB67AE85u;
    }
    return c;
}

__device__ __forceinline__ float to_unit(unsigned int x) {        // [0, 1) with 24 random bits
    return (x >> 8) * (1.0f / 16777216.0f);
}

// out[i] = U[0,1) (mode 0), N(0,1) by Box-Muller (mode 1), or mask * scale for dropout (mode 2: keep with prob 1-p)
extern "C" __global__ void philox_fill_f32(float* __restrict__ out, long n, unsigned long long seed, unsigned long long offset,
                                           int mode, float p, float scale) {
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        unsigned long long idx = offset + (unsigned long long) i;
        uint4 r = philox(make_uint4((unsigned int) idx, (unsigned int) (idx >> 32), 0u, 0u),
                         make_uint2((unsigned int) seed, (unsigned int) (seed >> 32)));
        float u = to_unit(r.x);
        if (mode == 0) out[i] = u;
        else if (mode == 1) {
            float u1 = fmaxf(to_unit(r.y), 1e-7f), u2 = to_unit(r.z);
            out[i] = sqrtf(-2.0f * logf(u1)) * cospif(2.0f * u2);
        } else {
            out[i] = u >= p ? scale : 0.0f;
        }
    }
}
