#!/bin/sh
# deps-debian.sh - install every Debian 12 package radnow needs to build,
# test and benchmark. Idempotent: packages already there are left alone.
# Run as root (or through sudo).
set -eu

packages="
  build-essential autoconf automake libtool pkg-config autoconf-archive
  libhdf5-dev hdf5-tools
  libnetcdf-dev netcdf-bin
  libgdal-dev gdal-bin python3-gdal
  libproj-dev proj-bin
  libopenblas-dev libdnnl-dev
  libinih-dev
  libfftw3-dev
  libcairo2-dev
  zlib1g-dev libbz2-dev liblzo2-dev bzip2
  libdeflate-dev
  python3 python3-numpy python3-netcdf4 python3-h5py python3-torch python3-xarray
  clang libclang-rt-14-dev
  hyperfine
  jq
  time
"

missing=
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "deps-debian.sh: all packages are installed"
  exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
echo "deps-debian.sh: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
