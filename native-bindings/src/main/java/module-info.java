/**
 * Raw FFM bindings to the CUDA libraries (libcudart, libcuda, libnvrtc, libcublas, libcudnn), laid
 * out as jextract lays them out: downcall handles and constants, no logic. The bindings arrive
 * with the CUDA backend; this module holds only the library search path so far.
 */
module dev.brasa.cuda {
    exports dev.brasa.cuda;
}
