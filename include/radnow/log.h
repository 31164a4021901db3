/* log.h - log lines and wall-clock timing.
 *
 * One line per event on stderr:
 *   2026-11-22T00:20:28Z radnow[1234] info: grid: 12 sweeps in 35.2 ms
 * The level comes from rn_log_set_level() or RADNOW_LOG (error, warn, info, debug). */
#ifndef RADNOW_LOG_H
#define RADNOW_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

enum rn_log_level { RN_LOG_ERROR = 0, RN_LOG_WARN, RN_LOG_INFO, RN_LOG_DEBUG };

void rn_log_set_level(enum rn_log_level level);
enum rn_log_level rn_log_get_level(void);
/* Parse "error", "warn", "info", "debug"; returns 0 on success. */
int rn_log_parse_level(const char *name, enum rn_log_level *level);

void rn_log(enum rn_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define rn_log_error(...) rn_log(RN_LOG_ERROR, __VA_ARGS__)
#define rn_log_warn(...) rn_log(RN_LOG_WARN, __VA_ARGS__)
#define rn_log_info(...) rn_log(RN_LOG_INFO, __VA_ARGS__)
#define rn_log_debug(...) rn_log(RN_LOG_DEBUG, __VA_ARGS__)

/* Monotonic clock in seconds, for stage timings. */
double rn_clock(void);

#ifdef __cplusplus
}
#endif
#endif
