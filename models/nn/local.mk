# models/nn: tensors, arena and the compute backends.
pkginclude_HEADERS += include/radnow/devices.h
if BUILD_CUDA
libradnow_la_SOURCES += models/nn/cuda/devices.cu
else
libradnow_la_SOURCES += models/nn/devices_nocuda.c
endif
