# etc
# Station table for base data without site coordinates (radnow/stations.h).
dist_pkgdata_DATA = etc/stations.csv
# etc: example configuration, cron and systemd units. They are installed as
# examples (the administrator copies what fits into /etc); @bindir@ and
# @sysconfdir@ are filled in at build time.
examplesdir = $(docdir)/examples
examples_DATA = etc/radnow.conf.example etc/cron.d/radnow etc/systemd/radnow.service \
	etc/systemd/radnow.timer
EXTRA_DIST += etc/radnow.conf.example etc/cron.d/radnow.in etc/systemd/radnow.service.in \
	etc/systemd/radnow.timer
CLEANFILES += etc/cron.d/radnow etc/systemd/radnow.service

etc_edit = $(SED) -e 's|@bindir[@]|$(bindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g'
etc/cron.d/radnow: $(top_srcdir)/etc/cron.d/radnow.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/cron.d && $(etc_edit) $(top_srcdir)/etc/cron.d/radnow.in >$@
etc/systemd/radnow.service: $(top_srcdir)/etc/systemd/radnow.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && $(etc_edit) $(top_srcdir)/etc/systemd/radnow.service.in >$@
