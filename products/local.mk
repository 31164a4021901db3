# products: NetCDF and GeoTIFF writers.
libradnow_la_SOURCES += products/cf_grid.c products/frame_netcdf.c
noinst_HEADERS += products/cf_grid.h
