/* status.h - status codes and the last error message.
 *
 * Library functions return enum rn_status; on failure they record one line
 * that names the file, the object inside it and what was wrong, e.g.
 *   odim: 20200207.h5: /dataset3/data1: 'gain' missing
 * Only main() turns a status into an exit code (rn_exit_code). */
#ifndef RADNOW_STATUS_H
#define RADNOW_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

enum rn_status {
  RN_OK = 0,
  RN_EUSAGE,       /* bad command line or configuration */
  RN_ENOTFOUND,    /* an input file, object or quantity does not exist */
  RN_EFORMAT,      /* an input exists but is not what it claims (corrupt, truncated, wrong type) */
  RN_EUNSUPPORTED, /* a valid input radnow cannot handle */
  RN_EIO,          /* reading failed at the operating-system level */
  RN_EWRITE,       /* an output could not be written */
  RN_ELOCKED,      /* another run holds the lock */
  RN_ENOMEM,       /* out of memory */
  RN_EINTERNAL     /* a bug or an impossible state */
};

/* Record a printf-style message as the last error and return st. */
enum rn_status rn_error(enum rn_status st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix the current message: "prefix: old message". Returns st. */
enum rn_status rn_error_prefix(enum rn_status st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The last error message of this thread ("" when none). */
const char *rn_errmsg(void);
void rn_error_clear(void);

/* Short name of a status ("format error" ...). */
const char *rn_status_name(enum rn_status st);

/* Process exit code of a status, as in DESIGN.md:
 * 0 ok, 1 usage/config error, 2 input missing or unusable,
 * 3 another run holds the lock, 4 output could not be written. */
int rn_exit_code(enum rn_status st);

#define RN_EXIT_OK 0
#define RN_EXIT_USAGE 1
#define RN_EXIT_INPUT 2
#define RN_EXIT_LOCKED 3
#define RN_EXIT_WRITE 4

/* Allocation that records an error on failure; return NULL then. */
void *rn_malloc(unsigned long long nbytes, const char *what);
void *rn_calloc(unsigned long long n, unsigned long long size, const char *what);
char *rn_strdup(const char *s);

#ifdef __cplusplus
}
#endif
#endif
