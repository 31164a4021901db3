/* config.h - INI configuration (libinih) with typed getters.
 *
 * A configuration is a list of section.key = value entries. Files are read
 * with rn_config_load; command-line options override entries with
 * rn_config_set. Getters take the documented default for a missing entry and
 * fail with a message naming the file, section and key for a malformed one:
 *   config: radnow.conf: [grid] res = 'abc': not a number
 * Every option has its default documented in etc/radnow.conf.example. */
#ifndef RADNOW_CONFIG_H
#define RADNOW_CONFIG_H

#include <radnow/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rn_config;

struct rn_config *rn_config_new(void);
void rn_config_free(struct rn_config *cfg);

/* Read an INI file into cfg (entries already present are overridden). */
enum rn_status rn_config_load(struct rn_config *cfg, const char *path);

/* Set or replace one entry. */
enum rn_status rn_config_set(struct rn_config *cfg, const char *section, const char *key,
                             const char *value);

/* Set one entry from a command-line "SECTION.KEY=VALUE" (--set); the section
 * may hold dots ([predictor.NAME]), keys do not. */
enum rn_status rn_config_set_arg(struct rn_config *cfg, const char *arg);

/* The raw value, or NULL when the entry does not exist. */
const char *rn_config_get(const struct rn_config *cfg, const char *section, const char *key);

const char *rn_config_string(const struct rn_config *cfg, const char *section, const char *key,
                             const char *def);
enum rn_status rn_config_double(const struct rn_config *cfg, const char *section,
                                const char *key, double def, double *out);
enum rn_status rn_config_int(const struct rn_config *cfg, const char *section, const char *key,
                             long def, long *out);
/* true/false, yes/no, on/off, 1/0. */
enum rn_status rn_config_bool(const struct rn_config *cfg, const char *section, const char *key,
                              int def, int *out);
/* A comma-separated list of numbers: "30,40,50". *n is the capacity on entry
 * and the count on return. A missing entry leaves out/n untouched. */
enum rn_status rn_config_doubles(const struct rn_config *cfg, const char *section,
                                 const char *key, double *out, int *n);

/* Name of the file the configuration came from ("" when none), for messages. */
const char *rn_config_path(const struct rn_config *cfg);

/* Iterate over the keys of one section: returns the i-th key or NULL. */
const char *rn_config_key_at(const struct rn_config *cfg, const char *section, int i);
/* Iterate over section names (each reported once, in file order). */
const char *rn_config_section_at(const struct rn_config *cfg, int i);

#ifdef __cplusplus
}
#endif
#endif
