# models/nn: tensors, arena and the compute backends.
pkginclude_HEADERS += include/radnow/devices.h include/radnow/tensor.h \
	include/radnow/backend.h include/radnow/layers.h include/radnow/rng.h include/radnow/optim.h
noinst_HEADERS += models/nn/ops.h models/nn/nnmath.h models/nn/cpu/cpu.h
libradnow_la_SOURCES += models/nn/backend.c models/nn/params.c models/nn/arena.c \
	models/nn/tensorfile.c models/nn/cpu/cpu.c models/nn/cpu/cpu_ewise.c \
	models/nn/cpu/cpu_conv.c models/nn/cpu/cpu_norm.c models/nn/cpu/cpu_pool.c \
	models/nn/cpu/cpu_deform.c models/nn/cpu/cpu_loss.c models/nn/cpu/cpu_dnnl.c models/nn/cpu/cpu_winograd.c \
	models/nn/rng.c \
	models/nn/optim.c
libradnow_la_LIBADD += $(DNNL_LIBS)
noinst_HEADERS += models/nn/cuda/cuda.h
if BUILD_CUDA
libradnow_la_SOURCES += models/nn/cuda/devices.cu models/nn/cuda/backend.cu \
	models/nn/cuda/ewise.cu models/nn/cuda/conv.cu models/nn/cuda/norm.cu \
	models/nn/cuda/pool.cu models/nn/cuda/deform.cu models/nn/cuda/loss.cu
# nvcc objects have no automatic header dependencies
models/nn/cuda/backend.lo models/nn/cuda/ewise.lo models/nn/cuda/conv.lo \
models/nn/cuda/norm.lo models/nn/cuda/pool.lo models/nn/cuda/deform.lo \
models/nn/cuda/loss.lo: $(top_srcdir)/models/nn/cuda/cuda.h $(top_srcdir)/models/nn/ops.h \
	$(top_srcdir)/models/nn/nnmath.h $(top_srcdir)/include/radnow/backend.h \
	$(top_srcdir)/include/radnow/layers.h
else
libradnow_la_SOURCES += models/nn/devices_nocuda.c
endif
EXTRA_DIST += models/nn/README
