# products: NetCDF and GeoTIFF writers.
libradnow_la_SOURCES += products/cf_grid.c products/frame_netcdf.c
noinst_HEADERS += products/cf_grid.h
libradnow_la_SOURCES += products/forecast_netcdf.c
check_PROGRAMS += tests/unit/test_forecast_netcdf
tests_unit_test_forecast_netcdf_LDADD = libradnow.la $(NETCDF_LIBS)
TESTS += tests/unit/test_forecast_netcdf
