# preprocess
libradnow_la_SOURCES += preprocess/zr.c
pkginclude_HEADERS += include/radnow/zr.h
