"""Cuts the small Fashion-MNIST sample bundled with the examples (first 3000 training and first
1000 test images, IDX, gzip) from Debian's dataset-fashion-mnist. Run once; the output is committed.
Fashion-MNIST is (c) Zalando SE, MIT licence (see LICENSE in the sample folder)."""
import gzip, os, struct, sys
SRC = '/usr/share/datasets/fashion-mnist'
DST = os.path.join(os.path.dirname(__file__), '..', 'examples', 'src', 'main', 'resources', 'dev', 'brasa', 'examples',
                   'fashion-mnist-sample')
for split, n in (('train', 3000), ('t10k', 1000)):
    with gzip.open(f'{SRC}/{split}-images-idx3-ubyte.gz') as f:
        magic, count, h, w = struct.unpack('>IIII', f.read(16))
        data = f.read(n * h * w)
    with gzip.GzipFile(f'{DST}/{split}-images-idx3-ubyte.gz', 'wb', mtime=0) as f:
        f.write(struct.pack('>IIII', magic, n, h, w) + data)
    with gzip.open(f'{SRC}/{split}-labels-idx1-ubyte.gz') as f:
        magic, count = struct.unpack('>II', f.read(8))
        labels = f.read(n)
    with gzip.GzipFile(f'{DST}/{split}-labels-idx1-ubyte.gz', 'wb', mtime=0) as f:
        f.write(struct.pack('>II', magic, n) + labels)
print('wrote sample to', os.path.normpath(DST))
