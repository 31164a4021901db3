/* resample.c - gridded frames onto another grid with GDAL's warper, NaN as
 * nodata on both sides (see resample.h). */
#include <radnow/resample.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <gdalwarper.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const method_names[] = {"nearest", "bilinear", "average"};

enum rn_status rn_resample_parse(const char *s, enum rn_resample_method *m)
{
  for (int i = 0; i < 3; i++)
    if (strcasecmp(s, method_names[i]) == 0) {
      *m = (enum rn_resample_method)i;
      return RN_OK;
    }
  return rn_error(RN_EUSAGE, "resampling '%s': want nearest, bilinear or average", s);
}

const char *rn_resample_name(enum rn_resample_method m)
{
  return (unsigned)m < 3 ? method_names[m] : "?";
}

enum rn_status rn_resample_grid(const struct rn_grid *src, int nx, int ny, struct rn_grid *dst)
{
  if (nx <= 0 || ny <= 0)
    return rn_error(RN_EUSAGE, "resample: grid size %d x %d is not valid", nx, ny);
  return rn_grid_init(dst, src->crs_wkt, nx, ny, src->xmin, src->ymax, src->dx * src->nx / nx,
                      src->dy * src->ny / ny);
}

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void gdal_register(void)
{
  GDALAllRegister();
}

/* A GDAL in-memory dataset over our own float buffer (no copy). */
static GDALDatasetH mem_dataset(const struct rn_grid *g, float *data)
{
  GDALDriverH drv = GDALGetDriverByName("MEM");
  GDALDatasetH ds;
  char ptr[64], *opts[2] = {ptr, NULL};
  double gt[6];
  if (!drv)
    return NULL;
  ds = GDALCreate(drv, "", g->nx, g->ny, 0, GDT_Float32, NULL);
  if (!ds)
    return NULL;
  snprintf(ptr, sizeof ptr, "DATAPOINTER=%p", (void *)data);
  rn_grid_geotransform(g, gt);
  if (GDALAddBand(ds, GDT_Float32, opts) != CE_None || GDALSetGeoTransform(ds, gt) != CE_None ||
      GDALSetProjection(ds, g->crs_wkt) != CE_None ||
      GDALSetRasterNoDataValue(GDALGetRasterBand(ds, 1), NAN) != CE_None) {
    GDALClose(ds);
    return NULL;
  }
  return ds;
}

enum rn_status rn_frame_resample(const struct rn_frame *src, const struct rn_grid *dst,
                                 enum rn_resample_method method, struct rn_frame *out)
{
  static const GDALResampleAlg algs[] = {GRA_NearestNeighbour, GRA_Bilinear, GRA_Average};
  GDALDatasetH sds = NULL, dds = NULL;
  GDALWarpOptions *wo = NULL;
  GDALWarpOperationH op = NULL;
  void *gen = NULL, *approx = NULL;
  enum rn_status st;

  if ((unsigned)method > RN_RESAMPLE_AVERAGE)
    return rn_error(RN_EUSAGE, "resample: unknown method %d", (int)method);
  st = rn_frame_alloc(out, dst);
  if (st)
    return st;
  out->time = src->time;
  memcpy(out->quantity, src->quantity, sizeof out->quantity);
  memcpy(out->product, src->product, sizeof out->product);
  memcpy(out->source, src->source, sizeof out->source);
  if (rn_grid_same(&src->grid, dst)) {
    memcpy(out->dbz, src->dbz, (size_t)dst->nx * dst->ny * sizeof *out->dbz);
    return RN_OK;
  }

  pthread_once(&gdal_once, gdal_register);
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  sds = mem_dataset(&src->grid, src->dbz); /* only read */
  dds = mem_dataset(dst, out->dbz);
  if (!sds || !dds) {
    st = rn_error(RN_EINTERNAL, "resample: GDAL in-memory dataset: %s", CPLGetLastErrorMsg());
    goto out;
  }
  gen = GDALCreateGenImgProjTransformer2(sds, dds, NULL);
  if (!gen) {
    st = rn_error(RN_EUSAGE, "resample: no transformation between the grids: %s",
                  CPLGetLastErrorMsg());
    goto out;
  }
  approx = GDALCreateApproxTransformer(GDALGenImgProjTransform, gen, 0.125);
  GDALApproxTransformerOwnsSubtransformer(approx, TRUE);
  gen = NULL;

  wo = GDALCreateWarpOptions();
  wo->hSrcDS = sds;
  wo->hDstDS = dds;
  wo->nBandCount = 1;
  wo->panSrcBands = CPLMalloc(sizeof(int));
  wo->panDstBands = CPLMalloc(sizeof(int));
  wo->panSrcBands[0] = wo->panDstBands[0] = 1;
  wo->eResampleAlg = algs[method];
  wo->padfSrcNoDataReal = CPLMalloc(sizeof(double));
  wo->padfDstNoDataReal = CPLMalloc(sizeof(double));
  wo->padfSrcNoDataReal[0] = wo->padfDstNoDataReal[0] = NAN;
  wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "NO_DATA");
  wo->pfnTransformer = GDALApproxTransform;
  wo->pTransformerArg = approx;
  op = GDALCreateWarpOperation(wo);
  if (!op || GDALChunkAndWarpImage(op, 0, 0, dst->nx, dst->ny) != CE_None) {
    st = rn_error(RN_EINTERNAL, "resample: GDAL warp failed: %s", CPLGetLastErrorMsg());
    goto out;
  }
  GDALFlushCache(dds);
out:
  if (op)
    GDALDestroyWarpOperation(op);
  if (wo) {
    wo->pTransformerArg = NULL;
    GDALDestroyWarpOptions(wo);
  }
  if (approx)
    GDALDestroyApproxTransformer(approx);
  if (gen)
    GDALDestroyGenImgProjTransformer(gen);
  if (sds)
    GDALClose(sds);
  if (dds)
    GDALClose(dds);
  CPLPopErrorHandler();
  if (st)
    rn_frame_free(out);
  return st;
}
