# common: status codes, logging, configuration, time, grids, frames, publishing.
libradnow_la_SOURCES += common/status.c common/log.c common/config.c common/utctime.c \
	common/publish.c common/volume.c common/grid.c common/frame.c
pkginclude_HEADERS += include/radnow/status.h include/radnow/log.h include/radnow/config.h \
	include/radnow/utctime.h include/radnow/publish.h include/radnow/volume.h \
	include/radnow/grid.h include/radnow/frame.h include/radnow/ingest.h \
	include/radnow/forecast.h
libradnow_la_SOURCES += common/forecast.c
