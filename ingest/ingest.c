/* ingest.c - format detection and dispatch to the readers. */
#include <radnow/ingest.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

void rn_ingest_options_init(struct rn_ingest_options *opt)
{
  memset(opt, 0, sizeof *opt);
}

void rn_radar_data_free(struct rn_radar_data *d)
{
  if (!d)
    return;
  rn_volume_free(&d->vol);
  rn_frame_free(&d->frame);
  memset(d, 0, sizeof *d);
}

enum rn_status rn_ingest_read(const char *path, const struct rn_ingest_options *opt,
                              struct rn_radar_data *out)
{
  FILE *f = fopen(path, "rb");
  (void)opt;
  memset(out, 0, sizeof *out);
  if (!f)
    return rn_error(RN_ENOTFOUND, "%s: %s", path, strerror(errno));
  fclose(f);
  return rn_error(RN_EUNSUPPORTED, "%s: no reader recognises this file", path);
}
