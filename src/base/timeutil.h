/* timeutil: calendar arithmetic on Unix seconds, with no libc time functions (layer 0).
 * timegm is not in C11/POSIX, and gmtime/mktime depend on the process's zone, so picosign does
 * its own proleptic-Gregorian conversion. Used by der (UTCTime/GeneralizedTime), trustroot
 * (RFC 3339 validFor), and the messages that print times. Never reads the clock. */
#ifndef SG_TIMEUTIL_H
#define SG_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Days since 1970-01-01 of a valid proleptic Gregorian date (year 0..9999). */
int64_t sg_days_from_civil(int64_t year, unsigned month, unsigned day);

/* Unix seconds from broken-down UTC fields, checking every range (month 1-12, day within the
 * month incl. leap years, hour < 24, minute < 60, second < 60). SG_ERR_ARG when out of range. */
SG_MUST_USE sg_err sg_time_from_fields(int year, int month, int day, int hour, int minute,
	int second, int64_t *out);

/* Broken-down UTC fields of `t` (any int64 within years 0..9999). */
void sg_time_to_fields(int64_t t, int *year, int *month, int *day, int *hour, int *minute,
	int *second);

/* Parse RFC 3339 as protobuf-JSON Timestamps use it: YYYY-MM-DDTHH:MM:SS, optional fraction
 * (1-9 digits, dropped), then 'Z' or +HH:MM/-HH:MM. SG_ERR_JSON_VALUE when malformed. */
SG_MUST_USE sg_err sg_time_parse_rfc3339(const uint8_t *s, size_t len, int64_t *out, sg_diag *d);

/* Parse a Go time.ParseDuration string as the flags of cosign take it ("72h", "30m",
 * "1h30m", "1.5h", "90s", "300ms", "0"): a sequence of decimal numbers, each with an optional
 * fraction and a unit among ns, us, µs, ms, s, m, h, with an optional leading '+' (a '-' is
 * refused: a negative age makes no sense). *out is the duration in whole seconds, rounded
 * down; at most 100 years. SG_ERR_ARG when malformed or out of range (nothing recorded). */
SG_MUST_USE sg_err sg_duration_parse(const uint8_t *s, size_t len, int64_t *out);
/* Write a duration of `secs` >= 0 seconds as Go prints it, whole seconds only ("72h0m0s",
 * "1m30s", "0s"), NUL-terminated; SG_ERR_LIMIT when cap < 24. */
SG_MUST_USE sg_err sg_duration_format(int64_t secs, char *out, size_t cap);

/* "2024-05-01T10:10:00Z" (20 bytes + NUL). Returns SG_ERR_LIMIT if cap < 21. */
SG_MUST_USE sg_err sg_time_format_rfc3339(int64_t t, char *out, size_t cap);

#endif
