# preprocess: polar -> grid (beam model, lookup tables), composites,
# resampling of gridded frames, patches for the neural models.
libradnow_la_SOURCES += preprocess/beam.c preprocess/lut.c preprocess/polar2grid.c
noinst_HEADERS += preprocess/lut.h
pkginclude_HEADERS += include/radnow/beam.h include/radnow/polar2grid.h

check_PROGRAMS += tests/unit/test_polar2grid
tests_unit_test_polar2grid_LDADD = libradnow.la $(PROJ_LIBS)
TESTS += tests/unit/test_polar2grid
