/* mkradar - write a small synthetic radar file for the shell tests:
 *   mkradar odim|cfradial PATH [ok|nowhat|nogain|zerorays|norange] */
#include <stdio.h>
#include <string.h>

#include "mkradar.h"

int main(int argc, char **argv)
{
  enum mk_flaw flaw = MK_OK;
  static const char *const names[] = {"ok", "nowhat", "nogain", "zerorays", "norange"};
  int rc;
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: mkradar odim|cfradial PATH [ok|nowhat|nogain|zerorays|norange]\n");
    return 1;
  }
  if (argc == 4) {
    int found = 0;
    for (int i = 0; i < 5; i++)
      if (strcmp(argv[3], names[i]) == 0) {
        flaw = (enum mk_flaw)i;
        found = 1;
      }
    if (!found) {
      fprintf(stderr, "mkradar: unknown flaw '%s'\n", argv[3]);
      return 1;
    }
  }
  if (strcmp(argv[1], "odim") == 0)
    rc = mk_odim(argv[2], flaw);
  else if (strcmp(argv[1], "cfradial") == 0)
    rc = mk_cfradial(argv[2], flaw);
  else {
    fprintf(stderr, "mkradar: unknown kind '%s'\n", argv[1]);
    return 1;
  }
  if (rc) {
    fprintf(stderr, "mkradar: could not write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
