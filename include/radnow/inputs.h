/* inputs.h - find the radar files of the input folders and turn new ones
 * into state frames.
 *
 * Input files are found with glob(3) patterns. Files are grouped into time
 * slots (the YYYYmmddHHMM stamp of the file name, or the nominal time inside
 * the file when the name has none, rounded to the minute); the files of one
 * slot (several radars) become one gridded frame in the state folder. A slot
 * is gridded again only when one of its files is new or has changed (size or
 * modification time), so a cycle costs little when nothing arrived.
 * STATE/inputs.tsv remembers what each file gave:
 *   PATH <TAB> SIZE <TAB> MTIME_NS <TAB> YYYYmmddHHMM <TAB> ok|bad <TAB> MESSAGE
 * A file that cannot be read is reported (warn), recorded as bad and skipped;
 * it is read again only when it changes. */
#ifndef RADNOW_INPUTS_H
#define RADNOW_INPUTS_H

#include <radnow/config.h>
#include <radnow/gridding.h>
#include <radnow/ingest.h>
#include <radnow/state.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RN_MAX_PATTERNS 32

struct rn_inputs {
  int npatterns;
  char *patterns[RN_MAX_PATTERNS];
  struct rn_ingest_options ingest;   /* [input], with quantity and encoding from [grid] */
  struct rn_gridding_options grid;   /* [grid]: target grid, product, compositing */
  struct rn_lut_cache *cache;        /* gate-to-pixel tables, reused across slots */
  const struct rn_config *cfg;       /* must outlive in */
};

/* Read [input] and [grid] from the configuration. */
enum rn_status rn_inputs_init(struct rn_inputs *in, const struct rn_config *cfg);
void rn_inputs_free(struct rn_inputs *in);

struct rn_gather_report {
  int files;     /* matching files in the time window */
  int gridded;   /* frames (re)written */
  int bad;       /* files that could not be read (new or known) */
};

/* Grid every slot in [from, to] whose files are new or changed into state
 * frames. Unreadable files are skipped; only state write failures (and a
 * folder that cannot be listed) are errors. */
enum rn_status rn_inputs_gather(const struct rn_inputs *in, const struct rn_state *s,
                                rn_time from, rn_time to, struct rn_gather_report *rep);

#ifdef __cplusplus
}
#endif
#endif
