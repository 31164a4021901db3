# preprocess: polar -> grid (beam model, lookup tables), composites,
# resampling of gridded frames, patches for the neural models.
libradnow_la_SOURCES += preprocess/beam.c preprocess/lut.c preprocess/polar2grid.c
noinst_HEADERS += preprocess/lut.h
pkginclude_HEADERS += include/radnow/beam.h include/radnow/polar2grid.h

check_PROGRAMS += tests/unit/test_polar2grid
tests_unit_test_polar2grid_LDADD = libradnow.la $(PROJ_LIBS)
TESTS += tests/unit/test_polar2grid

libradnow_la_SOURCES += preprocess/composite.c preprocess/resample.c preprocess/patch.c \
	preprocess/gridding.c
pkginclude_HEADERS += include/radnow/composite.h include/radnow/resample.h \
	include/radnow/patch.h include/radnow/gridding.h

check_PROGRAMS += tests/unit/test_composite tests/unit/test_resample tests/unit/test_patch
tests_unit_test_composite_LDADD = libradnow.la
tests_unit_test_resample_LDADD = libradnow.la $(PROJ_LIBS)
tests_unit_test_patch_LDADD = libradnow.la
TESTS += tests/unit/test_composite tests/unit/test_resample tests/unit/test_patch
EXTRA_DIST += tests/numeric/patch_reshape.bin tests/tools/patch_fixture.py

# Z-R relation (rain rates to dBZ)
libradnow_la_SOURCES += preprocess/zr.c
pkginclude_HEADERS += include/radnow/zr.h
check_PROGRAMS += tests/unit/test_zr
tests_unit_test_zr_LDADD = libradnow.la
TESTS += tests/unit/test_zr

# Geolocation against PROJ's command-line tools (geod, cs2cs), and the frame
# file as GDAL sees it.
check_PROGRAMS += tests/tools/grid_probe
tests_tools_grid_probe_LDADD = libradnow.la
TESTS += tests/grid_geoloc.sh
EXTRA_DIST += tests/grid_geoloc.sh
TESTS += tests/data/grid_cli.sh
EXTRA_DIST += tests/data/grid_cli.sh
TESTS += tests/data/grid_xarray.sh
EXTRA_DIST += tests/data/grid_xarray.sh

# FMI's GeoTIFF composite resampled onto FMI's PGM grid against the PGM.
check_PROGRAMS += tests/data/test_fmi_resample
tests_data_test_fmi_resample_LDADD = libradnow.la
TESTS += tests/data/test_fmi_resample
