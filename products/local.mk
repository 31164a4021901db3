# products: NetCDF and GeoTIFF writers.
libradnow_la_SOURCES += products/cf_grid.c products/frame_netcdf.c
noinst_HEADERS += products/cf_grid.h
libradnow_la_SOURCES += products/forecast_netcdf.c
check_PROGRAMS += tests/unit/test_forecast_netcdf
tests_unit_test_forecast_netcdf_LDADD = libradnow.la $(NETCDF_LIBS)
TESTS += tests/unit/test_forecast_netcdf

# COG GeoTIFF products, the dBZ palette, the latest.json manifest and retention.
libradnow_la_SOURCES += products/palette.c products/geotiff.c products/manifest.c \
	products/odim_write.c
pkginclude_HEADERS += include/radnow/palette.h include/radnow/geotiff.h \
	include/radnow/manifest.h include/radnow/odim_write.h
palettedir = $(pkgdatadir)/palettes
dist_palette_DATA = etc/palettes/dbz.txt

noinst_HEADERS += tests/unit/forecast_fixture.h
check_PROGRAMS += tests/unit/test_products tests/unit/product_writer
tests_unit_test_products_LDADD = libradnow.la $(GDAL_LIBS)
tests_unit_product_writer_LDADD = libradnow.la
TESTS += tests/unit/test_products
TESTS += tests/products_cog.sh tests/products_fulldisk.sh
EXTRA_DIST += tests/products_cog.sh tests/products_fulldisk.sh
