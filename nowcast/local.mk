# nowcast: the cycle and the radnow command-line program.
radnow_SOURCES += nowcast/radnow.c nowcast/cmd_info.c
radnow_SOURCES += nowcast/cmd_grid.c
noinst_HEADERS += nowcast/commands.h
