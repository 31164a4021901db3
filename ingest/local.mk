# ingest: one reader per format, behind rn_ingest_read.
libradnow_la_SOURCES += ingest/ingest.c ingest/decompress.c
noinst_HEADERS += ingest/reader.h
libradnow_la_SOURCES += ingest/h5util.c ingest/odim.c ingest/odim_polar.c ingest/odim_grid.c \
	ingest/cfradial.c ingest/raster.c \
	ingest/encoding.c ingest/fmi_pgm.c ingest/knmi.c
noinst_HEADERS += ingest/h5util.h ingest/odim.h ingest/encoding.h ingest/fmi_pgm.h

# Tests of the readers: unit tests on synthetic files, real-corpus checks of
# `radnow info`, and bad input. mkradar writes the synthetic files at run time.
noinst_HEADERS += tests/tools/mkradar.h
check_PROGRAMS += tests/tools/mkradar tests/unit/test_odim tests/unit/test_cfradial \
	tests/unit/test_raster
tests_tools_mkradar_LDADD = libradnow.la $(HDF5_LIBS) $(NETCDF_LIBS)
tests_unit_test_odim_LDADD = libradnow.la $(HDF5_LIBS) $(NETCDF_LIBS)
TESTS += tests/unit/test_odim tests/unit/test_cfradial tests/unit/test_raster
tests_unit_test_raster_LDADD = libradnow.la $(GDAL_LIBS) $(PROJ_LIBS)
tests_unit_test_cfradial_LDADD = libradnow.la $(HDF5_LIBS) $(NETCDF_LIBS)
TESTS += tests/data/ingest_info.sh tests/data/ingest_bad.sh
EXTRA_DIST += tests/data/ingest_info.sh tests/data/ingest_bad.sh

# CINRAD (legacy SA/SB/CB/SC records, CC, standard format) and NEXRAD Level II.
libradnow_la_SOURCES += ingest/cuts.c ingest/meta.c ingest/msg1.c ingest/stations.c \
	ingest/cinrad_legacy.c ingest/cinrad_cc.c ingest/cinrad_std.c ingest/nexrad.c
noinst_HEADERS += ingest/bytes.h ingest/cuts.h ingest/meta.h ingest/msg1.h
pkginclude_HEADERS += include/radnow/stations.h
# Where the station table is found without RADNOW_STATIONS (radnow/stations.h).
AM_CPPFLAGS += -DRN_PKGDATADIR='"$(pkgdatadir)"' -DRN_SRC_ETCDIR='"$(abs_top_srcdir)/etc"'
EXTRA_DIST += ingest/cinrad_nexrad.md
