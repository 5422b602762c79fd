# Sourced by the scripts that compare with PyTorch: installs Debian's python3-torch and
# dataset-fashion-mnist when they are missing (as root, with apt-get; says so first), else stops.
need_torch() {
  if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing Debian's python3-torch..." >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch >/dev/null; }
    else
      echo "error: PyTorch (python3-torch) is needed and cannot be installed as this user" >&2; return 1
    fi
  fi
  if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    echo "installing Debian's dataset-fashion-mnist..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 || { echo "error: dataset-fashion-mnist is needed" >&2; return 1; }
  fi
}
