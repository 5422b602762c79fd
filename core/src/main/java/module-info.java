/**
 * Brasa: tensors with autograd, nn, optim and data in PyTorch's vocabulary, with CPU backends in
 * plain Java and the Vector API. Only the public packages are exported; backends are internal.
 */
module dev.brasa {
    requires static jdk.incubator.vector;
    requires static jdk.management;   // the C2 check (Config.withoutC2); without it, C2 is assumed
    requires dev.brasa.cuda;

    exports dev.brasa;
    exports dev.brasa.autograd;
    exports dev.brasa.nn;
    exports dev.brasa.optim;
    exports dev.brasa.optim.lr;
    exports dev.brasa.io;
    exports dev.brasa.data;
    exports dev.brasa.data.datasets;
    exports dev.brasa.data.transforms;
    exports dev.brasa.metrics;

    // Brasa.save/load reach the formats in dev.brasa.io through this service, so dev.brasa does not depend on io
    uses dev.brasa.internal.StateDictFiles;
    provides dev.brasa.internal.StateDictFiles with dev.brasa.internal.io.StateDictFormats;
}
