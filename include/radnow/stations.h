/* stations.h - where a radar stands, for files that do not say.
 *
 * CINRAD SA/SB, CA/CB and SC legacy base data carry no site coordinates.
 * Their site comes, in this order, from
 *   1. the option --site LAT,LON,HEIGHT (or [input] site = in the
 *      configuration of radnow run): struct rn_ingest_options.site;
 *   2. the station table (CSV, see etc/stations.csv) row of the station code
 *      found in the file name (Z9396_BASE_SB_..., Z_RADR_I_Z9396_...) or, for
 *      NEXRAD, the ICAO code of the volume header (KLIX).
 * The table is opt->stations (--stations, [input] stations), else
 * $RADNOW_STATIONS, else the installed
 * $(pkgdatadir)/stations.csv, else etc/stations.csv of the source tree radnow
 * was built from (so an uninstalled build works). Neither known: an error
 * that says what to give. */
#ifndef RADNOW_STATIONS_H
#define RADNOW_STATIONS_H

#include <stddef.h>
#include <radnow/ingest.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_site {
  char code[16];
  char name[128]; /* UTF-8 */
  double lat, lon; /* degrees */
  double height;   /* antenna height above mean sea level, metres */
  char source[512]; /* where the numbers came from: "--site", "table.csv line 17" */
};

/* "LAT,LON,HEIGHT": degrees north, degrees east, metres above mean sea level. */
enum rn_status rn_site_parse(const char *s, struct rn_site *site);

/* The station table to use (see above), or NULL when there is none. */
const char *rn_stations_path(const char *given);

/* Row of station code in the table; RN_ENOTFOUND when the code is absent. */
enum rn_status rn_stations_lookup(const char *table, const char *code, struct rn_site *site);

/* Station code in a file name: the first token (between _ - . /) that is a
 * CMA radar station code, 'Z' and four letters or digits with at least one
 * digit (Z9396, ZG170). Returns 0 when found. */
int rn_station_code_from_name(const char *path, char *code, size_t n);

/* Site of a file without coordinates, as described above. code is the
 * station code the file itself names (the ICAO of a NEXRAD volume header),
 * or NULL to take it from the file name. what prefixes error messages
 * ("cinrad: path"). */
enum rn_status rn_site_for_file(const char *path, const char *code,
                                const struct rn_ingest_options *opt, const char *what,
                                struct rn_site *site);

#ifdef __cplusplus
}
#endif
#endif
