/* plot.h - the few figures of the verification report, drawn with cairo
 * into PNG files (written atomically): line plots with labelled axes and a
 * legend, and bar charts. NaN points leave gaps. */
#ifndef RADNOW_VERIFY_PLOT_H
#define RADNOW_VERIFY_PLOT_H

#include <radnow/status.h>

struct rn_plot_series {
  const char *label;
  int n;
  const double *x, *y;
};

struct rn_plot_axes {
  const char *title, *xlabel, *ylabel; /* labels carry their units: "lead time (min)" */
  double xmin, xmax, ymin, ymax;       /* NaN: from the data */
  int logx;                            /* logarithmic x axis */
  int diagonal;                        /* draw y = x (reliability diagrams) */
  int legend;                          /* corner: 0 top right, 1 bottom right, 2 top left */
};

enum rn_status rn_plot_lines(const char *path, const struct rn_plot_axes *ax,
                             const struct rn_plot_series *series, int nseries);
/* Bars at x = 0 .. n-1; reference: a dashed horizontal line (NaN: none). */
enum rn_status rn_plot_bars(const char *path, const struct rn_plot_axes *ax, const double *values,
                            int n, double reference);
/* Release cairo's font caches once every figure is done (they would
 * otherwise stay allocated to the end of the process). */
void rn_plot_release(void);

#endif
