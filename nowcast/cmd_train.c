/* cmd_train.c - radnow train: train a recurrent predictor on a training
 * archive (train.h), or export a checkpoint's weights for the cycle. */
#include <radnow/config.h>
#include <radnow/log.h>
#include <radnow/train.h>

#include <getopt.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static void usage(FILE *out)
{
  fprintf(out,
          "usage: radnow train -c TRAIN.conf [--resume CKPT] [--set SECTION.KEY=VALUE]...\n"
          "       radnow train --export CKPT -o WEIGHTS.h5\n"
          "\n"
          "Trains the model of [model] definition on the archive of [data] archive (made by\n"
          "radnow archive); every option is in etc/train.conf.example. The output folder\n"
          "gets checkpoint.h5 (every checkpoint_every iterations, at the end, and on SIGINT\n"
          "or SIGTERM), best.h5 (best validation), train.csv and valid.csv.\n"
          "  -c, --config FILE   training configuration\n"
          "  --resume CKPT       continue from a full checkpoint, exactly where it stopped\n"
          "                      (the model definition must match the checkpoint's)\n"
          "  --set S.K=V         override one configuration entry\n"
          "  --export CKPT       write the weights a predictor runs (the EMA when kept) of a\n"
          "                      checkpoint to the file given with -o\n"
          "Exit codes: 0 done, 1 usage or configuration, 2 input, 4 output; 128 + the\n"
          "signal number when stopped by SIGINT (130) or SIGTERM (143), after the checkpoint\n"
          "was written.\n");
}

int cmd_train(int argc, char **argv)
{
  static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                           {"resume", required_argument, NULL, 'r'},
                                           {"set", required_argument, NULL, 's'},
                                           {"export", required_argument, NULL, 'e'},
                                           {"out", required_argument, NULL, 'o'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *conf = NULL, *resume = NULL, *export = NULL, *out = NULL, *sets[64];
  int nsets = 0, c, interrupted = 0;
  struct rn_config *cfg = NULL;
  struct rn_train_options *o = NULL;
  enum rn_status st;

  H5dont_atexit(); /* see cmd_run.c */
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 'r': resume = optarg; break;
    case 'e': export = optarg; break;
    case 'o': out = optarg; break;
    case 's':
      if (nsets == 64) {
        fprintf(stderr, "radnow train: too many --set options\n");
        return RN_EXIT_USAGE;
      }
      sets[nsets++] = optarg;
      break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return RN_EXIT_USAGE;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "radnow train: unexpected argument '%s'\n", argv[optind]);
    return RN_EXIT_USAGE;
  }
  if (export) {
    if (!out || conf || resume) {
      fprintf(stderr, "radnow train: --export CKPT takes -o WEIGHTS.h5 and nothing else\n");
      return RN_EXIT_USAGE;
    }
    st = rn_train_export(export, out);
    if (st)
      return cmd_fail(st);
    printf("%s\n", out);
    return 0;
  }
  if (!conf) {
    fprintf(stderr, "radnow train: -c TRAIN.conf is required\n");
    usage(stderr);
    return RN_EXIT_USAGE;
  }
  cfg = rn_config_new();
  o = calloc(1, sizeof *o);
  if (!cfg || !o) {
    st = RN_ENOMEM;
    goto done;
  }
  st = rn_config_load(cfg, conf);
  if (st == RN_ENOTFOUND)
    st = RN_EUSAGE;
  for (int i = 0; !st && i < nsets; i++)
    st = rn_config_set_arg(cfg, sets[i]);
  rn_train_options_init(o);
  if (!st)
    st = rn_train_options_load(o, cfg);
  if (!st)
    st = rn_train_run(o, resume, &interrupted);
done:
  free(o);
  rn_config_free(cfg);
  if (st)
    return cmd_fail(st);
  return interrupted ? 128 + interrupted : 0;
}
