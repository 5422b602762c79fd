// Lesson 004: backpropagation in practice, the XOR problem with a Dataset, a DataLoader,
// BCEWithLogitsLoss and SGD, saving and loading a state dict. Run: scripts/jshell lessons/004.jsh
// (the imports of scripts/lib/brasa.jsh are in scope). Prints what the lesson's cells print.

manualSeed(42);
var device = Cuda.isAvailable() ? Device.cuda() : Device.CPU;

// A module: two linear layers with a tanh between them
class SimpleClassifier extends Module {
    final Linear linear1;
    final Tanh actFn;
    final Linear linear2;

    SimpleClassifier(int numInputs, int numHidden, int numOutputs) {
        linear1 = register("linear1", new Linear(numInputs, numHidden));
        actFn = register("act_fn", new Tanh());
        linear2 = register("linear2", new Linear(numHidden, numOutputs));
    }

    @Override public Tensor forward(Tensor x) { return linear2.forward(actFn.forward(linear1.forward(x))); }
}

String size(Tensor t) { return "torch.Size(" + java.util.Arrays.toString(t.shape()) + ")"; }

var model = new SimpleClassifier(2, 4, 1);
System.out.println(model);
for (var e : model.namedParameters().entrySet()) System.out.println("Parameter " + e.getKey() + ", shape " + size(e.getValue()));

// A dataset: corners of the unit square with Gaussian noise, label 1 when exactly one coordinate is 1
class XorPoints implements Dataset<Sample> {
    final Tensor data, label;

    XorPoints(int size, double std) {
        Tensor points = randint(0, 2, size, 2).toFloat();
        label = points.sum(1).eq(1).toLong();
        data = points.add(randn(size, 2).mul(std));
    }

    @Override public int size() { return data.size(0); }

    @Override public Sample get(int i) { return new Sample(data.select(0, i), label.select(0, i)); }
}

var dataset = new XorPoints(200, 0.1);
// the lesson's plt.scatter of the two classes, as a PNG
var scatterPng = java.nio.file.Files.createTempFile("xor-points", ".png");
dev.brasa.io.Plot.scatter(dataset.data, dataset.label, scatterPng);
System.out.println("Size of dataset: " + dataset.size());
var point = dataset.get(0);
System.out.println("Data point 0: (" + point.x() + ", " + point.y() + ")");

var dataLoader = DataLoader.builder(dataset).batchSize(8).shuffle(true).build();
var batch = dataLoader.iterator().next();
System.out.println("Data inputs " + size(batch.x()) + " \n " + batch.x());
System.out.println("Data labels " + size(batch.y()) + " \n " + batch.y());

// Training: BCE on the logits, plain SGD, batches of 128 from a larger set
var lossModule = new BCEWithLogitsLoss();
var optimizer = new SGD(model.parameters(), 0.1);
var trainDataset = new XorPoints(2500, 0.1);
var trainLoader = DataLoader.builder(trainDataset).batchSize(128).shuffle(true).build();
model.to(device);
model.train();
for (int epoch = 0; epoch < 100; epoch++) {
    Tensor loss = null;
    for (Sample b : trainLoader) {
        Tensor preds = model.forward(b.x().to(device)).squeeze(1);
        loss = lossModule.forward(preds, b.y().to(device).toFloat());
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
    }
    if (epoch + 1 == 1 || epoch + 1 == 10 || epoch + 1 == 100) System.out.println(String.format("Epoch %d: loss %.4f", epoch + 1, loss.item()));
}

// Saving and loading: the state dict holds the learned parameters
var stateDict = model.stateDict();
System.out.println(stateDict);
var file = java.nio.file.Files.createTempFile("lesson004", ".tar");
save(stateDict, file);
var newModel = new SimpleClassifier(2, 4, 1);
newModel.loadStateDict(load(file));
System.out.println("Original model\n " + model.stateDict());
System.out.println("\nLoaded model\n " + newModel.stateDict());

// Evaluation: accuracy on 500 new points, without gradients
var testDataset = new XorPoints(500, 0.1);
var testLoader = DataLoader.builder(testDataset).batchSize(128).build();
void evalModel(Module m, DataLoader loader) {
    m.eval();
    double truePreds = 0, numPreds = 0;
    try (var g = noGrad()) {
        for (Sample b : loader) {
            Tensor preds = m.forward(b.x().to(device)).squeeze(1).sigmoid();
            Tensor predLabels = preds.ge(0.5).toLong();
            truePreds += predLabels.eq(b.y().to(device)).sum().item();
            numPreds += b.y().size(0);
        }
    }
    System.out.println(String.format("Accuracy of the model: %4.2f%%", 100.0 * truePreds / numPreds));
}
evalModel(newModel, testLoader);
java.nio.file.Files.delete(file);
java.nio.file.Files.delete(scatterPng);
/exit
