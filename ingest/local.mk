# ingest: one reader per format, behind rn_ingest_read.
libradnow_la_SOURCES += ingest/ingest.c ingest/decompress.c
noinst_HEADERS += ingest/reader.h
libradnow_la_SOURCES += ingest/h5util.c ingest/odim.c ingest/cfradial.c
noinst_HEADERS += ingest/h5util.h

# Tests of the readers: unit tests on synthetic files, real-corpus checks of
# `radnow info`, and bad input. mkradar writes the synthetic files at run time.
noinst_HEADERS += tests/tools/mkradar.h
check_PROGRAMS += tests/tools/mkradar tests/unit/test_odim tests/unit/test_cfradial
tests_tools_mkradar_LDADD = libradnow.la $(HDF5_LIBS) $(NETCDF_LIBS)
tests_unit_test_odim_LDADD = libradnow.la $(HDF5_LIBS) $(NETCDF_LIBS)
TESTS += tests/unit/test_odim tests/unit/test_cfradial
tests_unit_test_cfradial_LDADD = libradnow.la $(HDF5_LIBS) $(NETCDF_LIBS)
TESTS += tests/data/ingest_info.sh tests/data/ingest_bad.sh
EXTRA_DIST += tests/data/ingest_info.sh tests/data/ingest_bad.sh
