# ingest: one reader per format, behind rn_ingest_read.
libradnow_la_SOURCES += ingest/ingest.c ingest/decompress.c
noinst_HEADERS += ingest/reader.h

# CINRAD (legacy SA/SB/CB/SC records, CC, standard format) and NEXRAD Level II.
libradnow_la_SOURCES += ingest/cuts.c ingest/meta.c ingest/msg1.c ingest/stations.c \
	ingest/cinrad_legacy.c ingest/cinrad_cc.c ingest/cinrad_std.c ingest/nexrad.c
noinst_HEADERS += ingest/bytes.h ingest/cuts.h ingest/meta.h ingest/msg1.h
pkginclude_HEADERS += include/radnow/stations.h
# Where the station table is found without RADNOW_STATIONS (radnow/stations.h).
AM_CPPFLAGS += -DRN_PKGDATADIR='"$(pkgdatadir)"' -DRN_SRC_ETCDIR='"$(abs_top_srcdir)/etc"'
