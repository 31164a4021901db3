# models/layers: forward and backward of every layer, over the backend table.
libradnow_la_SOURCES += models/layers/conv.c models/layers/linear.c
