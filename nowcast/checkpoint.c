/* checkpoint.c - training checkpoints and weights files in HDF5
 * (checkpoint.h). */
#include <radnow/backend.h>
#include <radnow/checkpoint.h>
#include <radnow/config.h>
#include <radnow/publish.h>
#include <radnow/utctime.h>

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ingest/h5util.h"

#define FORMAT "radnow checkpoint 1"

void rn_checkpoint_meta_init(struct rn_checkpoint_meta *meta)
{
  memset(meta, 0, sizeof *meta);
  snprintf(meta->kind, sizeof meta->kind, "full");
  meta->best_iteration = -1;
}

/* ---- writing ------------------------------------------------------------------ */

struct writer {
  const char *path;
  hid_t file, gcpl, dcpl;
  enum rn_status st;
};

static void attr_text(struct writer *w, const char *name, const char *v)
{
  hid_t type, space, a;
  if (w->st)
    return;
  type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, strlen(v) + 1);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  space = H5Screate(H5S_SCALAR);
  a = H5Acreate2(w->file, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0 || H5Awrite(a, type, v) < 0)
    w->st = rn_error(RN_EINTERNAL, "checkpoint: %s: cannot write attribute %s", w->path, name);
  if (a >= 0)
    H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

static void attr_num(struct writer *w, const char *name, hid_t file_type, hid_t mem_type,
                     const void *v)
{
  hid_t space, a;
  if (w->st)
    return;
  space = H5Screate(H5S_SCALAR);
  a = H5Acreate2(w->file, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0 || H5Awrite(a, mem_type, v) < 0)
    w->st = rn_error(RN_EINTERNAL, "checkpoint: %s: cannot write attribute %s", w->path, name);
  if (a >= 0)
    H5Aclose(a);
  H5Sclose(space);
}

/* One group of tensors from a host copy of a parameter-shaped block. */
static void write_group(struct writer *w, const char *group, const struct rn_params *p,
                        const float *host)
{
  hid_t g;
  if (w->st)
    return;
  g = H5Gcreate2(w->file, group, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
  if (g < 0) {
    w->st = rn_error(RN_EINTERNAL, "checkpoint: %s: cannot create /%s", w->path, group);
    return;
  }
  for (int i = 0; i < p->n && !w->st; i++) {
    const struct rn_tensor *t = p->t[i];
    hsize_t dims[RN_MAXDIM];
    hid_t space, d;
    for (int k = 0; k < t->ndim; k++)
      dims[k] = (hsize_t)t->shape[k];
    space = t->ndim ? H5Screate_simple(t->ndim, dims, NULL) : H5Screate(H5S_SCALAR);
    d = H5Dcreate2(g, t->name, H5T_IEEE_F32LE, space, H5P_DEFAULT, w->dcpl, H5P_DEFAULT);
    if (d < 0 ||
        H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, host + t->offset) < 0)
      w->st = rn_error(RN_EINTERNAL, "checkpoint: %s: cannot write /%s/%s", w->path, group,
                       t->name);
    if (d >= 0)
      H5Dclose(d);
    H5Sclose(space);
  }
  H5Gclose(g);
}

enum rn_status rn_checkpoint_save(const char *path, const struct rn_params *p,
                                  const struct rn_checkpoint_meta *meta, int what, int use_ema)
{
  struct writer w = {path, -1, -1, -1, RN_OK};
  H5E_auto2_t efunc;
  void *edata;
  hid_t fapl = -1;
  ssize_t size = 0;
  float *host = NULL;
  void *image = NULL;
  int64_t stepsec = meta->step_seconds, it = meta->iteration, step = meta->adam_step;
  int64_t best_it = meta->best_iteration;
  uint64_t seed = meta->rng_seed, off = meta->rng_offset;
  char created[32];
  const char *kind = what == RN_CKPT_FULL ? "full" : "weights";
  enum rn_status st;

  if (!p->data)
    return rn_error(RN_EINTERNAL, "checkpoint: %s: parameters not allocated", path);
  host = rn_malloc(p->total * sizeof *host, "checkpoint tensors");
  if (!host)
    return RN_ENOMEM;

  H5Eget_auto2(H5E_DEFAULT, &efunc, &edata);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  w.gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(w.gcpl, 0);
  w.dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(w.dcpl, 0);
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  /* Built in memory and published as one buffer (as odim_write.c does). */
  H5Pset_fapl_core(fapl, 1 << 20, 0);
  w.file = H5Fcreate("radnow-checkpoint-image", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (w.file < 0) {
    w.st = rn_error(RN_EINTERNAL, "checkpoint: %s: cannot create the file in memory", path);
    goto out;
  }
  attr_text(&w, "format", FORMAT);
  attr_text(&w, "kind", kind);
  attr_text(&w, "model_config", meta->model_config);
  attr_text(&w, "train_config", meta->train_config);
  attr_num(&w, "step_seconds", H5T_STD_I64LE, H5T_NATIVE_INT64, &stepsec);
  attr_num(&w, "iteration", H5T_STD_I64LE, H5T_NATIVE_INT64, &it);
  attr_num(&w, "adam_step", H5T_STD_I64LE, H5T_NATIVE_INT64, &step);
  attr_num(&w, "rng_seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed);
  attr_num(&w, "rng_offset", H5T_STD_U64LE, H5T_NATIVE_UINT64, &off);
  attr_text(&w, "best_metric", meta->best_metric);
  attr_num(&w, "best_score", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &meta->best_score);
  attr_num(&w, "best_iteration", H5T_STD_I64LE, H5T_NATIVE_INT64, &best_it);
  rn_time_iso((rn_time)time(NULL), created);
  attr_text(&w, "created", created);

  {
    const float *weights = use_ema && p->ema && what == RN_CKPT_WEIGHTS ? p->ema : p->data;
    rn_download(p->be, host, weights, (long)p->total);
    write_group(&w, "params", p, host);
  }
  if (what == RN_CKPT_FULL) {
    static const char *const names[3] = {"adam_m", "adam_v", "ema"};
    const float *blocks[3] = {p->m, p->v, p->ema};
    for (int k = 0; k < 3; k++)
      if (blocks[k]) {
        rn_download(p->be, host, blocks[k], (long)p->total);
        write_group(&w, names[k], p, host);
      }
  }
  if (!w.st && (st = rn_backend_sync(p->be)))
    w.st = st;
  if (!w.st && (H5Fflush(w.file, H5F_SCOPE_GLOBAL) < 0 ||
                (size = H5Fget_file_image(w.file, NULL, 0)) <= 0))
    w.st = rn_error(RN_EINTERNAL, "checkpoint: %s: cannot assemble the file", path);
  if (!w.st && !(image = rn_malloc((size_t)size, "checkpoint image")))
    w.st = RN_ENOMEM;
  if (!w.st && H5Fget_file_image(w.file, image, (size_t)size) != size)
    w.st = rn_error(RN_EINTERNAL, "checkpoint: %s: cannot assemble the file", path);
out:
  if (w.file >= 0)
    H5Fclose(w.file);
  if (fapl >= 0)
    H5Pclose(fapl);
  H5Pclose(w.gcpl);
  H5Pclose(w.dcpl);
  H5Eset_auto2(H5E_DEFAULT, efunc, edata);
  free(host);
  if (w.st) {
    free(image);
    return w.st;
  }
  st = rn_publish_buffer(path, image, (size_t)size);
  free(image);
  return st ? rn_error_prefix(st, "checkpoint") : RN_OK;
}

/* ---- reading ------------------------------------------------------------------- */

static enum rn_status read_meta(hid_t fid, const char *path, struct rn_checkpoint_meta *meta)
{
  char format[64];
  long v;
  double d;
  rn_checkpoint_meta_init(meta);
  if (rn_h5_attr_string(fid, "format", format, sizeof format) != 1 || strcmp(format, FORMAT) != 0)
    return rn_error(RN_EFORMAT, "checkpoint: %s: not a radnow checkpoint (attribute format)", path);
  rn_h5_attr_string(fid, "kind", meta->kind, sizeof meta->kind);
  if (rn_h5_attr_string(fid, "model_config", meta->model_config, sizeof meta->model_config) != 1)
    return rn_error(RN_EFORMAT, "checkpoint: %s: attribute model_config missing", path);
  rn_h5_attr_string(fid, "train_config", meta->train_config, sizeof meta->train_config);
  if (rn_h5_attr_long(fid, "iteration", &v) != 1 || v < 0)
    return rn_error(RN_EFORMAT, "checkpoint: %s: attribute iteration missing or bad", path);
  meta->iteration = v;
  if (rn_h5_attr_long(fid, "step_seconds", &v) == 1 && v > 0)
    meta->step_seconds = v;
  if (rn_h5_attr_long(fid, "adam_step", &v) == 1)
    meta->adam_step = v;
  /* 64-bit unsigned, read as such */
  for (int k = 0; k < 2; k++) {
    const char *name = k ? "rng_offset" : "rng_seed";
    uint64_t *out = k ? &meta->rng_offset : &meta->rng_seed;
    if (H5Aexists(fid, name) > 0) {
      hid_t a = H5Aopen(fid, name, H5P_DEFAULT);
      if (a < 0 || H5Aread(a, H5T_NATIVE_UINT64, out) < 0) {
        if (a >= 0)
          H5Aclose(a);
        return rn_error(RN_EFORMAT, "checkpoint: %s: attribute %s unreadable", path, name);
      }
      H5Aclose(a);
    }
  }
  rn_h5_attr_string(fid, "best_metric", meta->best_metric, sizeof meta->best_metric);
  if (rn_h5_attr_double(fid, "best_score", &d) == 1)
    meta->best_score = d;
  if (rn_h5_attr_long(fid, "best_iteration", &v) == 1)
    meta->best_iteration = v;
  rn_h5_attr_string(fid, "created", meta->created, sizeof meta->created);
  return RN_OK;
}

static enum rn_status open_file(const char *path, hid_t *fid)
{
  enum rn_status st = rn_h5_open(path, fid);
  return st ? rn_error_prefix(st, "checkpoint") : RN_OK;
}

enum rn_status rn_checkpoint_read_meta(const char *path, struct rn_checkpoint_meta *meta)
{
  hid_t fid;
  H5E_auto2_t efunc;
  void *edata;
  enum rn_status st = open_file(path, &fid);
  if (st)
    return st;
  H5Eget_auto2(H5E_DEFAULT, &efunc, &edata);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  st = read_meta(fid, path, meta);
  H5Fclose(fid);
  H5Eset_auto2(H5E_DEFAULT, efunc, edata);
  return st;
}

enum rn_status rn_checkpoint_model_config(const char *path, const struct rn_checkpoint_meta *meta,
                                          struct rn_model_config *mc)
{
  struct rn_config *cfg = rn_config_new();
  char line[1024];
  const char *p = meta->model_config;
  int in_model = 0;
  enum rn_status st = RN_OK;
  if (!cfg)
    return RN_ENOMEM;
  /* The text is what rn_model_config_format wrote: "[model]" and key = value lines. */
  while (*p && !st) {
    size_t len = strcspn(p, "\n");
    char *s = line, *eq, *end;
    if (len >= sizeof line)
      len = sizeof line - 1;
    memcpy(line, p, len);
    line[len] = '\0';
    p += strcspn(p, "\n");
    if (*p)
      p++;
    while (*s == ' ' || *s == '\t')
      s++;
    if (*s == '[') {
      in_model = strncmp(s, "[model]", 7) == 0;
      continue;
    }
    if (!in_model || *s == ';' || *s == '#' || !(eq = strchr(s, '=')))
      continue;
    end = eq;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
      end--;
    *end = '\0';
    eq++;
    while (*eq == ' ' || *eq == '\t')
      eq++;
    st = rn_config_set(cfg, "model", s, eq);
  }
  rn_model_config_default(mc);
  if (!st && (st = rn_model_config_read(mc, cfg, "model")))
    st = rn_error_prefix(st, "checkpoint: %s: model_config", path);
  rn_config_free(cfg);
  return st;
}

enum rn_status rn_checkpoint_check_model(const char *path, const struct rn_checkpoint_meta *meta,
                                         const struct rn_model_config *mc)
{
  struct rn_model_config stored;
  enum rn_status st = rn_checkpoint_model_config(path, meta, &stored);
  if (st)
    return st;
  if ((st = rn_model_config_compare(mc, &stored, "the checkpoint")))
    return rn_error_prefix(RN_EUSAGE, "checkpoint: %s", path);
  return RN_OK;
}

/* Read group/NAME for every tensor of p into host (parameter layout). When
 * optional and the group is missing, *found = 0. */
static enum rn_status read_group(hid_t fid, const char *path, const char *group,
                                 const struct rn_params *p, float *host, int optional, int *found)
{
  hid_t g;
  *found = 0;
  if (!rn_h5_exists(fid, group)) {
    if (optional)
      return RN_OK;
    return rn_error(RN_EFORMAT, "checkpoint: %s: /%s missing", path, group);
  }
  g = H5Gopen2(fid, group, H5P_DEFAULT);
  if (g < 0)
    return rn_error(RN_EFORMAT, "checkpoint: %s: /%s is not a group", path, group);
  memset(host, 0, p->total * sizeof *host);
  for (int i = 0; i < p->n; i++) {
    const struct rn_tensor *t = p->t[i];
    hsize_t dims[RN_MAXDIM + 1];
    hid_t d, space;
    int nd, same;
    if (!rn_h5_exists(g, t->name)) {
      H5Gclose(g);
      return rn_error(RN_EFORMAT, "checkpoint: %s: /%s/%s missing (the model has it)", path, group,
                      t->name);
    }
    d = H5Dopen2(g, t->name, H5P_DEFAULT);
    space = d >= 0 ? H5Dget_space(d) : -1;
    nd = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    same = nd == t->ndim && nd <= RN_MAXDIM && H5Sget_simple_extent_dims(space, dims, NULL) == nd;
    for (int k = 0; same && k < nd; k++)
      same = dims[k] == (hsize_t)t->shape[k];
    if (space >= 0)
      H5Sclose(space);
    if (!same) {
      char shape[64] = "";
      for (int k = 0; k < t->ndim; k++)
        snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%d", k ? "x" : "",
                 t->shape[k]);
      if (d >= 0)
        H5Dclose(d);
      H5Gclose(g);
      return rn_error(RN_EFORMAT, "checkpoint: %s: /%s/%s: shape differs from the model's (%s)",
                      path, group, t->name, shape);
    }
    if (H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, host + t->offset) < 0) {
      H5Dclose(d);
      H5Gclose(g);
      return rn_error(RN_EFORMAT, "checkpoint: %s: /%s/%s unreadable", path, group, t->name);
    }
    H5Dclose(d);
  }
  H5Gclose(g);
  *found = 1;
  return RN_OK;
}

static enum rn_status upload_block(struct rn_params *p, float **blk, const float *host)
{
  if (!*blk) {
    *blk = rn_alloc(p->be, (long)p->total);
    if (!*blk)
      return rn_backend_sync(p->be);
  }
  rn_upload(p->be, *blk, host, (long)p->total);
  return RN_OK;
}

enum rn_status rn_checkpoint_load(const char *path, struct rn_params *p, int what, int use_ema,
                                  struct rn_checkpoint_meta *meta)
{
  struct rn_checkpoint_meta local;
  H5E_auto2_t efunc;
  void *edata;
  hid_t fid;
  float *host;
  int found;
  enum rn_status st;

  if (!p->data)
    return rn_error(RN_EINTERNAL, "checkpoint: %s: parameters not allocated", path);
  if ((st = open_file(path, &fid)))
    return st;
  host = rn_malloc(p->total * sizeof *host, "checkpoint tensors");
  if (!host) {
    H5Fclose(fid);
    return RN_ENOMEM;
  }
  H5Eget_auto2(H5E_DEFAULT, &efunc, &edata);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  st = read_meta(fid, path, meta ? meta : &local);
  if (!st && what == RN_CKPT_WEIGHTS && use_ema) {
    st = read_group(fid, path, "ema", p, host, 1, &found);
    if (!st && found)
      st = upload_block(p, &p->data, host);
    else if (!st)
      use_ema = 0;
  }
  if (!st && !(what == RN_CKPT_WEIGHTS && use_ema)) {
    st = read_group(fid, path, "params", p, host, 0, &found);
    if (!st)
      st = upload_block(p, &p->data, host);
  }
  if (!st && what == RN_CKPT_FULL) {
    static const char *const names[3] = {"adam_m", "adam_v", "ema"};
    float **blocks[3] = {&p->m, &p->v, &p->ema};
    for (int k = 0; k < 3 && !st; k++) {
      st = read_group(fid, path, names[k], p, host, 1, &found);
      if (!st && found)
        st = upload_block(p, blocks[k], host);
    }
  }
  H5Fclose(fid);
  H5Eset_auto2(H5E_DEFAULT, efunc, edata);
  free(host);
  if (!st)
    st = rn_backend_sync(p->be);
  return st;
}
