# nowcast: the cycle and the radnow command-line program.
radnow_SOURCES += nowcast/radnow.c nowcast/cmd_info.c
noinst_HEADERS += nowcast/commands.h
libradnow_la_SOURCES += nowcast/ensemble.c
pkginclude_HEADERS += include/radnow/ensemble.h
