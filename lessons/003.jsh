// Lesson 003: a CIFAR-10 classifier with an MLP: transforms, DataLoaders, a training loop with
// SGD and momentum, saving and loading, a classification report, weight decay and L1, Dropout and
// BatchNorm1d. Run: scripts/jshell lessons/003.jsh
// CIFAR-10 is not on this machine: a stand-in in CIFAR-10's binary format (10,000 training and 1,000
// test images from a fixed formula, classes visible in the pixels) is written to a temporary folder.
// (With the real data: CIFAR10.load(Path.of("data"), true) reads the python or the binary folder.)

import dev.brasa.data.transforms.*;
import dev.brasa.metrics.Metrics;

manualSeed(0);
var device = Cuda.isAvailable() ? Device.cuda() : Device.CPU;
var DATA = java.nio.file.Files.createTempDirectory("cifar-standin");
void standIn(java.nio.file.Path path, int count, int offset) throws java.io.IOException {
    byte[] out = new byte[count * 3073];
    for (int r = 0; r < count; r++) {
        int label = ((r + offset) * 7 + 3) % 10;
        out[r * 3073] = (byte) label;
        for (int j = 0; j < 3072; j++) {
            long h = ((long) (r + offset) * 1103515245L + j * 12345L) % 2147483648L;
            out[r * 3073 + 1 + j] = (byte) ((label * 20 + (h >> 16) % 64 + (j % 32) * 2) % 256);
        }
    }
    java.nio.file.Files.write(path, out);
}
for (int i = 1; i <= 5; i++) standIn(DATA.resolve("data_batch_" + i + ".bin"), 2000, (i - 1) * 2000);
standIn(DATA.resolve("test_batch.bin"), 1000, 50000);

String[] CIFAR_CLASSES = {"plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
int BATCH_SIZE = 128, EPOCHS = 2;
// The datasets give images in [0, 1] (what ToTensor gives); Normalize maps them to [-1, 1]
var transform = new Compose(new Normalize(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}));
var trainset = CIFAR10.load(DATA, true).withTransform(transform);
var trainloader = DataLoader.builder(trainset).batchSize(BATCH_SIZE).shuffle(true).numWorkers(2).build();
var testset = CIFAR10.load(DATA, false).withTransform(transform);
var testloader = DataLoader.builder(testset).batchSize(BATCH_SIZE).numWorkers(2).build();

String names(Tensor labels, int n, String sep) {
    var sj = new java.util.StringJoiner(sep);
    for (int j = 0; j < n; j++) sj.add(String.format("%5s", CIFAR_CLASSES[(int) labels.select(0, j).itemLong()]));
    return sj.toString();
}
var dataiter = trainloader.iterator();
var first = dataiter.next();
// the lesson's imshow(make_grid(images)): undo the normalisation, tile, write a PNG
dev.brasa.io.Plot.saveImage(dev.brasa.io.Plot.makeGrid(first.x().slice(0, 0, 5).div(2).add(0.5)), DATA.resolve("first-batch.png"));
System.out.println(names(first.y(), 5, "\t"));

Module model = new Sequential(new Linear(32 * 32 * 3, 512), new ReLU(), new Linear(512, 10));
System.out.println(model);
var check = dataiter.next();
var imgCheck = check.x().select(0, 0).view(-1);
System.out.println("True class: " + CIFAR_CLASSES[(int) check.y().select(0, 0).itemLong()]);
System.out.println("Predicted class: " + CIFAR_CLASSES[(int) model.forward(imgCheck).argmax().itemLong()]);

class MLP extends Module {
    final Linear hiddenLayer1, hiddenLayer2, outputLayer;

    MLP() {
        hiddenLayer1 = register("hidden_layer1", new Linear(32 * 32 * 3, 512));
        hiddenLayer2 = register("hidden_layer2", new Linear(512, 256));
        outputLayer = register("output_layer", new Linear(256, 10));
    }

    @Override public Tensor forward(Tensor x) {
        x = F.relu(hiddenLayer1.forward(x));
        x = F.relu(hiddenLayer2.forward(x));
        return outputLayer.forward(x);
    }
}
model = new MLP();
System.out.println(model);
check = dataiter.next();
var img = check.x().select(0, 0);
System.out.println("True class: " + CIFAR_CLASSES[(int) check.y().select(0, 0).itemLong()]);
System.out.println("Predicted class: " + CIFAR_CLASSES[(int) model.forward(img.view(-1)).argmax().itemLong()]);
var sigModel = new Sequential(new Linear(32 * 32 * 3, 512), new Sigmoid(), new Linear(512, 10), new Softmax(-1));
System.out.println(sigModel.forward(img.view(-1)));

// Training: cross entropy, SGD with momentum, the running loss every 50 batches
String g4(double v) { // Python's :.4g for these values
    return new java.math.BigDecimal(v).round(new java.math.MathContext(4, java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString();
}
model = new MLP();
var lossFunction = new CrossEntropyLoss();
var optimizer = SGD.builder(model.parameters()).lr(0.001).momentum(0.9).build();
model.train();
for (int epoch = 0; epoch < EPOCHS; epoch++) {
    double runningLoss = 0;
    int i = 0;
    for (Sample b : trainloader) {
        i++;
        optimizer.zeroGrad();
        Tensor loss = lossFunction.forward(model.forward(b.x().view(b.x().size(0), -1)), b.y());
        loss.backward();
        optimizer.step();
        runningLoss += loss.item();
        if (i % 50 == 0) {
            System.out.println("[" + (epoch + 1) + ", " + i + "] loss: " + g4(runningLoss / 50));
            runningLoss = 0;
        }
    }
}
var path = DATA.resolve("cifar-model.pth");
save(model.stateDict(), path);

// Evaluation: a few test images, then the whole test set
var testBatch = testloader.iterator().next();
var images = testBatch.x().slice(0, 0, 5);
var labels = testBatch.y().slice(0, 0, 5);
System.out.println("GroundTruth:  " + names(labels, 5, " "));
model = new MLP();
model.loadStateDict(load(path));
model.eval();
var predicted = model.forward(images.view(images.size(0), -1)).max(1).indices();
System.out.println("Predicted:  " + names(predicted, 5, " "));
var yTrue = new java.util.ArrayList<Tensor>();
var yPred = new java.util.ArrayList<Tensor>();
try (var g = noGrad()) {
    for (Sample b : testloader) {
        yTrue.add(b.y());
        yPred.add(model.forward(b.x().view(b.x().size(0), -1)).max(1).indices());
    }
}
System.out.println(Metrics.classificationReport(cat(yPred, 0), cat(yTrue, 0), CIFAR_CLASSES));

// Weight decay (L2) in the optimizer, L1 added to the loss in the loop
model = new MLP();
lossFunction = new CrossEntropyLoss();
var adam = Adam.builder(model.parameters()).lr(0.001).weightDecay(0.001).build();
double l1Lambda = 0.001;
model.train();
Tensor loss = null;
for (Sample b : trainloader) {
    adam.zeroGrad();
    loss = lossFunction.forward(model.forward(b.x().view(b.x().size(0), -1)), b.y());
    Tensor l1Reg = tensor(0f).reshape();
    for (Parameter p : model.parameters()) l1Reg = l1Reg.add(norm(p, 1));   // out of place: l1Reg is in the graph
    loss = loss.add(l1Reg.mul(l1Lambda));
    loss.backward();
    adam.step();
}
System.out.println(String.format("Loss with L1 after one epoch: %.4f", loss.item()));

System.out.println(new Sequential(new Linear(32 * 32 * 3, 512), new ReLU(), new Dropout(0.3), new Linear(512, 10)));
System.out.println(new Sequential(new Linear(32 * 32 * 3, 512), new BatchNorm1d(512, 1e-5, 0.1), new ReLU(), new Dropout(0.3), new Linear(512, 10)));
/exit
