/* raster.c - gridded rasters through GDAL (PNG, PGM, GIF, GeoTIFF ...).
 *
 * Pixel values become dBZ through a named encoding (encoding.h): the one the
 * options give, else one the file states (FMI's GDAL metadata Gain/Offset/
 * Nodata/Undetect, or a band scale/offset), else dBZ as stored for float
 * rasters. Byte rasters without any of these are refused: guessing an
 * encoding would silently shift every value. The georeference comes from the
 * file, from an FMI PGM comment header (fmi_pgm.h), or from the options
 * (crs + extent) for plain images such as benchmark PNGs. gzip files are
 * read through /vsigzip/, bzip2 ones from memory. */
#include <radnow/ingest.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encoding.h"
#include "fmi_pgm.h"
#include "reader.h"

#define RASTER_MAX_BYTES ((size_t)2 << 30)

/* GDAL's name for the file: the path, /vsigzip/path, or a /vsimem/ copy. */
struct source {
  char name[4200];
  int mem;
};

static void gdal_init(void)
{
  static int done;
  if (!done) {
    GDALAllRegister();
    done = 1;
  }
}

static int open_source(const char *path, struct source *s)
{
  unsigned char head[4];
  size_t got = 0;
  enum rn_compression c = RN_COMPRESSION_NONE;
  memset(s, 0, sizeof *s);
  if (rn_read_head(path, head, sizeof head, &got, &c))
    return -1;
  if (c == RN_COMPRESSION_NONE) {
    snprintf(s->name, sizeof s->name, "%s", path);
  } else if (c == RN_COMPRESSION_GZIP) {
    snprintf(s->name, sizeof s->name, "/vsigzip/%s", path);
  } else {
    unsigned char *data;
    size_t size;
    static int counter;
    if (rn_read_whole_file(path, RASTER_MAX_BYTES, &data, &size, NULL))
      return -1;
    snprintf(s->name, sizeof s->name, "/vsimem/radnow-%d-%d", (int)getpid(), counter++);
    VSILFILE *f = VSIFileFromMemBuffer(s->name, data, (vsi_l_offset)size, TRUE);
    if (!f) {
      free(data);
      return -1;
    }
    VSIFCloseL(f);
    s->mem = 1;
  }
  return 0;
}

static void close_source(struct source *s)
{
  if (s->mem)
    VSIUnlink(s->name);
}

static int raster_probe(const char *path, const unsigned char *head, size_t n)
{
  struct source s;
  GDALDriverH drv;
  (void)head;
  (void)n;
  gdal_init();
  if (open_source(path, &s))
    return 0;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  drv = GDALIdentifyDriverEx(s.name, GDAL_OF_RASTER, NULL, NULL);
  CPLPopErrorHandler();
  close_source(&s);
  rn_error_clear();
  return drv != NULL;
}

/* Value of <Item name="KEY" ...>VALUE</Item> in FMI's GDAL_METADATA text, or
 * of the metadata item KEY when GDAL parsed it. */
static int meta_item(GDALDatasetH ds, const char *key, char *buf, size_t size)
{
  const char *v = GDALGetMetadataItem(ds, key, NULL), *xml;
  char pat[96];
  buf[0] = '\0';
  if (v) {
    snprintf(buf, size, "%s", v);
    return 1;
  }
  xml = GDALGetMetadataItem(ds, "GDAL_METADATA", NULL);
  snprintf(pat, sizeof pat, "<Item name=\"%s\"", key);
  const char *p = xml ? strstr(xml, pat) : NULL;
  if (!p || !(p = strchr(p, '>')))
    return 0;
  p++;
  const char *e = strstr(p, "</Item>");
  if (!e)
    return 0;
  size_t len = (size_t)(e - p) < size - 1 ? (size_t)(e - p) : size - 1;
  memcpy(buf, p, len);
  buf[len] = '\0';
  return 1;
}

static void append_note(struct rn_radar_data *out, const char *s)
{
  size_t n = strlen(out->notes);
  snprintf(out->notes + n, sizeof out->notes - n, "%s%s", n ? "; " : "", s);
}

static enum rn_status raster_read(const char *path, const struct rn_ingest_options *opt,
                                  struct rn_radar_data *out)
{
  struct source src;
  struct rn_fmi_header fmi;
  struct rn_encoding enc;
  struct rn_grid grid = {0};
  unsigned char head[4096];
  size_t nhead = 0;
  GDALDatasetH ds = NULL;
  GDALRasterBandH band;
  float *buf = NULL;
  double gt[6];
  int nx, ny, is_fmi, flip = 0;
  enum rn_status st = RN_OK;
  char item[256], note[256];

  gdal_init();
  if ((st = rn_read_head(path, head, sizeof head, &nhead, NULL)))
    return st;
  is_fmi = rn_fmi_pgm_parse(head, nhead, &fmi);
  if (open_source(path, &src))
    return rn_error(RN_EIO, "raster: %s: cannot read the file", path);
  CPLPushErrorHandler(CPLQuietErrorHandler);
  ds = GDALOpenEx(src.name, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
  if (!ds) {
    st = rn_error(RN_EFORMAT, "raster: %s: GDAL cannot open it (%s)", path,
                  CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "truncated or corrupt");
    goto out;
  }
  nx = GDALGetRasterXSize(ds);
  ny = GDALGetRasterYSize(ds);
  if (GDALGetRasterCount(ds) < 1 || nx <= 0 || ny <= 0) {
    st = rn_error(RN_EFORMAT, "raster: %s: no pixels", path);
    goto out;
  }
  band = GDALGetRasterBand(ds, 1);
  GDALDriverH drv = GDALGetDatasetDriver(ds);
  snprintf(out->format, sizeof out->format, "GDAL/%s", drv ? GDALGetDriverShortName(drv) : "?");
  snprintf(out->object, sizeof out->object, "RASTER");
  out->kind = RN_DATA_GRID;
  if (GDALGetRasterCount(ds) > 1 && GDALGetRasterColorInterpretation(band) != GCI_GrayIndex &&
      GDALGetRasterColorInterpretation(band) != GCI_Undefined &&
      GDALGetRasterColorInterpretation(band) != GCI_PaletteIndex) {
    append_note(out, "several bands: band 1 read");
  }

  /* Encoding: options, then the file's own statement, then float = dBZ. */
  int ok_scale = 0, ok_offset = 0, ok_nodata = 0;
  double scale = GDALGetRasterScale(band, &ok_scale),
         offset = GDALGetRasterOffset(band, &ok_offset);
  double band_nodata = GDALGetRasterNoDataValue(band, &ok_nodata);
  GDALDataType dtype = GDALGetRasterDataType(band);
  int is_float = dtype == GDT_Float32 || dtype == GDT_Float64;
  if (opt->encoding) {
    if ((st = rn_encoding_parse(opt->encoding, &enc))) {
      rn_error_prefix(st, "raster: %s", path);
      goto out;
    }
  } else if (meta_item(ds, "Gain", item, sizeof item) && atof(item) != 0) {
    double gain = atof(item);
    rn_encoding_linear(&enc, gain, meta_item(ds, "Offset", item, sizeof item) ? atof(item) : 0);
    if (meta_item(ds, "Nodata", item, sizeof item)) {
      enc.has_nodata = 1;
      enc.nodata = atof(item);
    }
    if (meta_item(ds, "Undetect", item, sizeof item)) {
      enc.has_undetect = 1;
      enc.undetect = atof(item);
    }
    snprintf(enc.name, sizeof enc.name, "file metadata");
  } else if ((ok_scale && scale != 1.0) || (ok_offset && offset != 0.0)) {
    rn_encoding_linear(&enc, ok_scale ? scale : 1.0, ok_offset ? offset : 0.0);
    snprintf(enc.name, sizeof enc.name, "band scale/offset");
  } else if (is_fmi && strstr(fmi.param, "Reflectivity")) {
    rn_encoding_parse("odim-byte", &enc);
    append_note(out, "FMI reflectivity PGM: odim-byte encoding (FMI's convention; the header "
                     "does not state it)");
  } else if (is_float) {
    rn_encoding_parse("dbz", &enc);
  } else {
    st = rn_error(RN_EUSAGE,
                  "raster: %s: integer pixels and no encoding in the file: give one "
                  "(odim-byte, hko7, radar-echo, cikm, linear:GAIN,OFFSET)",
                  path);
    goto out;
  }
  if (ok_nodata && !enc.has_nodata) {
    enc.has_nodata = 1;
    enc.nodata = band_nodata;
  }
  rn_encoding_describe(&enc, out->encoding, sizeof out->encoding);
  snprintf(out->units, sizeof out->units, "dBZ"); /* every encoding gives dBZ */

  /* Georeference: the file's, the FMI header's, or the options'. */
  const char *wkt = GDALGetProjectionRef(ds);
  if (GDALGetGeoTransform(ds, gt) == CE_None && wkt && wkt[0]) {
    if (gt[2] != 0 || gt[4] != 0) {
      st = rn_error(RN_EUNSUPPORTED, "raster: %s: rotated geotransform is not supported", path);
      goto out;
    }
    flip = gt[5] > 0; /* rows run south to north */
    double ymax = flip ? gt[3] + ny * gt[5] : gt[3];
    if ((st = rn_grid_init(&grid, wkt, nx, ny, gt[0], ymax, fabs(gt[1]), fabs(gt[5])))) {
      rn_error_prefix(st, "raster: %s", path);
      goto out;
    }
  } else if (is_fmi && fmi.have_projection) {
    if (fmi.width != nx || fmi.height != ny) {
      st = rn_error(RN_EFORMAT, "raster: %s: FMI header says %d x %d, GDAL reads %d x %d", path,
                    fmi.width, fmi.height, nx, ny);
      goto out;
    }
    if ((st = rn_fmi_pgm_grid(&fmi, path, &grid, note, sizeof note)))
      goto out;
    append_note(out, note);
  } else if (opt->crs && opt->have_extent) {
    const double *e = opt->extent;
    if (!(e[2] > e[0]) || !(e[3] > e[1])) {
      st = rn_error(RN_EUSAGE, "raster: %s: extent %g,%g,%g,%g is empty", path, e[0], e[1], e[2],
                    e[3]);
      goto out;
    }
    if ((st = rn_grid_init(&grid, opt->crs, nx, ny, e[0], e[3], (e[2] - e[0]) / nx,
                           (e[3] - e[1]) / ny))) {
      rn_error_prefix(st, "raster: %s", path);
      goto out;
    }
    append_note(out, "georeference from the options (crs, extent)");
  } else {
    st = rn_error(RN_EUSAGE, "raster: %s: no georeference in the file: give crs and extent", path);
    goto out;
  }

  /* Pixels. */
  buf = rn_malloc((unsigned long long)nx * ny * sizeof *buf, "raster");
  if (!buf) {
    st = RN_ENOMEM;
    goto out;
  }
  if (GDALRasterIO(band, GF_Read, 0, 0, nx, ny, buf, nx, ny, GDT_Float32, 0, 0) != CE_None) {
    st = rn_error(RN_EFORMAT, "raster: %s: pixels cannot be read (%s)", path,
                  CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "truncated or corrupt");
    goto out;
  }
  if ((st = rn_frame_alloc(&out->frame, &grid)))
    goto out;
  for (int j = 0; j < ny; j++) {
    const float *row = buf + (size_t)(flip ? ny - 1 - j : j) * nx;
    float *o = out->frame.dbz + (size_t)j * nx;
    for (int i = 0; i < nx; i++)
      o[i] = rn_encoding_apply(&enc, row[i]);
  }
  snprintf(out->frame.quantity, sizeof out->frame.quantity, "DBZH");
  snprintf(out->frame.product, sizeof out->frame.product, "raster");
  snprintf(out->frame.source, sizeof out->frame.source, "%s", path);

  /* Time: the file's, else the name's. */
  rn_time t = 0;
  if (is_fmi && fmi.obstime)
    t = fmi.obstime;
  else if (meta_item(ds, "Observation time", item, sizeof item) && !rn_time_parse(item, &t))
    ;
  else if (meta_item(ds, "TIFFTAG_DATETIME", item, sizeof item) && strlen(item) == 19) {
    int y, mo, d, h, mi, s;
    if (sscanf(item, "%d:%d:%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) == 6)
      t = rn_time_from_fields(y, mo, d, h, mi, s);
  }
  rn_error_clear();
  if (!t && rn_time_from_filename(path, &t) == 0)
    append_note(out, "time from the file name");
  else if (!t)
    append_note(out, "no time in the file or its name");
  out->frame.time = t;
out:
  CPLPopErrorHandler();
  free(buf);
  rn_grid_free(&grid);
  if (ds)
    GDALClose(ds);
  close_source(&src);
  return st;
}

const struct rn_reader rn_reader_raster = {"raster", raster_probe, raster_read};
