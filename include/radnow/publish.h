/* publish.h - atomic publication of output files.
 *
 * A product is written under a temporary name in its target folder, flushed
 * to disk (fsync), then renamed over the final name, and the folder is
 * fsync'ed. A reader sees the old file or the complete new one, never a
 * partial file. Writers that only accept a path (GDAL, NetCDF) write to the
 * temporary path given by rn_publish_begin. */
#ifndef RADNOW_PUBLISH_H
#define RADNOW_PUBLISH_H

#include <stddef.h>
#include <radnow/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Temporary name for final_path in the same folder: "DIR/.NAME.tmp.PID.N".
 * The file is not created. */
enum rn_status rn_publish_begin(const char *final_path, char *tmp_path, size_t size);
/* fsync tmp_path, rename it to final_path, fsync the folder. On failure the
 * temporary file is removed and final_path is left as it was. */
enum rn_status rn_publish_commit(const char *tmp_path, const char *final_path);
/* Remove a temporary file after a failed write. */
void rn_publish_abort(const char *tmp_path);
/* Write a whole buffer to final_path atomically. */
enum rn_status rn_publish_buffer(const char *final_path, const void *data, size_t size);
/* mkdir -p */
enum rn_status rn_mkdirs(const char *path);

#ifdef __cplusplus
}
#endif
#endif
