# preprocess
libradnow_la_SOURCES += preprocess/zr.c
pkginclude_HEADERS += include/radnow/zr.h
check_PROGRAMS += tests/unit/test_zr
tests_unit_test_zr_LDADD = libradnow.la
TESTS += tests/unit/test_zr
