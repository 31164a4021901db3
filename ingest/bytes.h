/* bytes.h - fixed-width integers and floats from byte buffers, either byte
 * order, without alignment assumptions. Callers check bounds first. */
#ifndef RADNOW_INGEST_BYTES_H
#define RADNOW_INGEST_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint16_t rn_u16le(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint16_t rn_u16be(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rn_u32le(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint32_t rn_u32be(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static inline int16_t rn_i16le(const unsigned char *p) { return (int16_t)rn_u16le(p); }
static inline int16_t rn_i16be(const unsigned char *p) { return (int16_t)rn_u16be(p); }
static inline int32_t rn_i32le(const unsigned char *p) { return (int32_t)rn_u32le(p); }
static inline int32_t rn_i32be(const unsigned char *p) { return (int32_t)rn_u32be(p); }
static inline float rn_f32le(const unsigned char *p)
{
  uint32_t u = rn_u32le(p);
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}
static inline float rn_f32be(const unsigned char *p)
{
  uint32_t u = rn_u32be(p);
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

#endif
