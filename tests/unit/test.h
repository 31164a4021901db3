/* test.h - minimal checks for radnow's C tests. A failed check prints where
 * and why and makes the test exit non-zero (unlike llm.c's tests, a miss is
 * never silent). Exit 77 means "skipped" to automake. */
#ifndef RADNOW_TEST_H
#define RADNOW_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;

#define CHECK(cond)                                                                               \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                   \
      test_failures++;                                                                            \
    }                                                                                             \
  } while (0)

#define CHECK_OK(call)                                                                            \
  do {                                                                                            \
    int st_ = (call);                                                                             \
    if (st_ != 0) {                                                                               \
      fprintf(stderr, "%s:%d: %s failed (%d): %s\n", __FILE__, __LINE__, #call, st_,              \
              rn_errmsg());                                                                       \
      test_failures++;                                                                            \
    }                                                                                             \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                                     \
  do {                                                                                            \
    double a_ = (a), b_ = (b);                                                                    \
    if (!(fabs(a_ - b_) <= (tol))) {                                                              \
      fprintf(stderr, "%s:%d: %s = %.9g, expected %s = %.9g (tolerance %g)\n", __FILE__,         \
              __LINE__, #a, a_, #b, b_, (double)(tol));                                           \
      test_failures++;                                                                            \
    }                                                                                             \
  } while (0)

#define CHECK_STR(a, b)                                                                           \
  do {                                                                                            \
    const char *a_ = (a), *b_ = (b);                                                              \
    if (strcmp(a_, b_) != 0) {                                                                    \
      fprintf(stderr, "%s:%d: %s = '%s', expected '%s'\n", __FILE__, __LINE__, #a, a_, b_);       \
      test_failures++;                                                                            \
    }                                                                                             \
  } while (0)

#define CHECK_CONTAINS(hay, needle)                                                               \
  do {                                                                                            \
    const char *h_ = (hay), *n_ = (needle);                                                       \
    if (!strstr(h_, n_)) {                                                                        \
      fprintf(stderr, "%s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__, h_, n_);         \
      test_failures++;                                                                            \
    }                                                                                             \
  } while (0)

#define TEST_DONE()                                                                               \
  do {                                                                                            \
    if (test_failures)                                                                            \
      fprintf(stderr, "%d check(s) failed\n", test_failures);                                     \
    return test_failures ? 1 : 0;                                                                 \
  } while (0)

/* Where the shared radar corpus is; NULL (after a message) when it is
 * missing, which the caller turns into a skip (77) or, with CI=true, a
 * failure. */
static inline const char *test_corpus(void)
{
  const char *d = getenv("RADNOW_TESTDATA");
  char probe[4096];
  FILE *f;
  if (!d || !*d)
    d = "../shared/data/radar";
  snprintf(probe, sizeof probe, "%s/MANIFEST.sha256", d);
  f = fopen(probe, "r");
  if (!f) {
    fprintf(stderr, "radar corpus not found at %s (set RADNOW_TESTDATA)\n", d);
    return NULL;
  }
  fclose(f);
  return d;
}

static inline int test_corpus_missing(void)
{
  const char *ci = getenv("CI");
  return ci && strcmp(ci, "true") == 0 ? 99 : 77;
}

#endif
