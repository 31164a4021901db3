# models/nn: tensors, arena and the compute backends.
pkginclude_HEADERS += include/radnow/devices.h include/radnow/tensor.h \
	include/radnow/backend.h include/radnow/layers.h include/radnow/rng.h include/radnow/optim.h
noinst_HEADERS += models/nn/ops.h models/nn/nnmath.h models/nn/cpu/cpu.h
libradnow_la_SOURCES += models/nn/backend.c models/nn/params.c models/nn/arena.c \
	models/nn/tensorfile.c models/nn/cpu/cpu.c models/nn/cpu/cpu_ewise.c \
	models/nn/cpu/cpu_conv.c models/nn/cpu/cpu_norm.c models/nn/cpu/cpu_pool.c \
	models/nn/cpu/cpu_deform.c models/nn/cpu/cpu_loss.c models/nn/rng.c \
	models/nn/optim.c
libradnow_la_LIBADD += $(DNNL_LIBS)
noinst_HEADERS += models/nn/cuda/cuda.h
if BUILD_CUDA
libradnow_la_SOURCES += models/nn/cuda/devices.cu models/nn/cuda/backend.cu \
	models/nn/cuda/ewise.cu models/nn/cuda/conv.cu models/nn/cuda/norm.cu \
	models/nn/cuda/pool.cu models/nn/cuda/deform.cu models/nn/cuda/loss.cu
else
libradnow_la_SOURCES += models/nn/devices_nocuda.c
endif
