# models/layers: forward and backward of every layer, over the backend table.
libradnow_la_SOURCES += models/layers/conv.c models/layers/linear.c models/layers/ewise.c \
	models/layers/norm.c models/layers/pool.c models/layers/deform.c models/layers/loss.c
