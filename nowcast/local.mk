# nowcast: the cycle and the radnow command-line program.
radnow_SOURCES += nowcast/radnow.c nowcast/cmd_info.c
noinst_HEADERS += nowcast/commands.h
# The operational cycle: lock, state, inputs, cycle (library, so tests link it).
libradnow_la_SOURCES += nowcast/lock.c nowcast/state.c nowcast/inputs.c nowcast/cycle.c \
	nowcast/seams.c
pkginclude_HEADERS += include/radnow/lock.h include/radnow/state.h include/radnow/inputs.h \
	include/radnow/cycle.h
noinst_HEADERS += nowcast/cycle_seams.h
radnow_SOURCES += nowcast/cmd_run.c
# cmd_run calls HDF5 itself (H5dont_atexit).
radnow_LDADD += $(HDF5_LIBS)
