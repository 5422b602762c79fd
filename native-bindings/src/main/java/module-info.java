/**
 * Raw FFM bindings to the CUDA libraries (libcudart, libcuda, libnvrtc, libcublas, libcudnn), laid
 * out as jextract lays them out: downcall handles and constants, no logic: {@code Cudart},
 * {@code CudaDriver}, {@code Nvrtc}, {@code Cublas}, {@code Cudnn}, and the library search ({@code LibraryPath},
 * {@code Libraries}).
 */
module dev.brasa.cuda {
    exports dev.brasa.cuda;
}
