# etc
# Station table for base data without site coordinates (radnow/stations.h).
dist_pkgdata_DATA = etc/stations.csv
