# ingest: one reader per format, behind rn_ingest_read.
libradnow_la_SOURCES += ingest/ingest.c ingest/decompress.c
noinst_HEADERS += ingest/reader.h
