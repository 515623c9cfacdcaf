/* timeutil: proleptic Gregorian calendar conversions. See timeutil.h.
 * The day count uses the era decomposition (400-year cycles of 146097 days), which is exact for
 * all years we accept and needs no tables. */
#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29u : days[m - 1];
}

/* see timeutil.h */
int64_t
sg_days_from_civil(int64_t year, unsigned month, unsigned day)
{
	/* Shift the year to start in March so February's leap day is the year's last day. */
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = month > 2 ? (int64_t)month - 3 : (int64_t)month + 9;
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* see timeutil.h */
sg_err
sg_time_from_fields(int year, int month, int day, int hour, int minute, int second,
	int64_t *out)
{
	if (year < 0 || year > 9999 || month < 1 || month > 12 || day < 1 ||
		(unsigned)day > days_in_month(year, (unsigned)month) || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || second < 0 || second > 59)
		return SG_ERR_ARG;
	*out = sg_days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 +
	       (int64_t)hour * 3600 + (int64_t)minute * 60 + second;
	return SG_OK;
}

/* see timeutil.h */
void
sg_time_to_fields(int64_t t, int *year, int *month, int *day, int *hour, int *minute,
	int *second)
{
	int64_t days = t / 86400, secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* Inverse of sg_days_from_civil. */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
	*year = (int)y;
	*month = (int)m;
	*day = (int)d;
	*hour = (int)(secs / 3600);
	*minute = (int)(secs % 3600 / 60);
	*second = (int)(secs % 60);
}

/* Read exactly `n` decimal digits at s[*i]. */
static int
digits(const uint8_t *s, size_t len, size_t *i, size_t n, int *v)
{
	int64_t x;
	if (*i > len || n > len - *i || !sg_digits(s + *i, n, &x))
		return 0;
	*i += n;
	*v = (int)x;
	return 1;
}

static int
lit(const uint8_t *s, size_t len, size_t *i, uint8_t c)
{
	if (*i >= len || s[*i] != c)
		return 0;
	(*i)++;
	return 1;
}

/* see timeutil.h */
sg_err
sg_time_parse_rfc3339(const uint8_t *s, size_t len, int64_t *out, sg_diag *d)
{
	size_t i = 0;
	int y, mo, day, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t t;
	if (!digits(s, len, &i, 4, &y) || !lit(s, len, &i, '-') || !digits(s, len, &i, 2, &mo) ||
		!lit(s, len, &i, '-') || !digits(s, len, &i, 2, &day) ||
		!(lit(s, len, &i, 'T') || lit(s, len, &i, 't')) || !digits(s, len, &i, 2, &h) ||
		!lit(s, len, &i, ':') || !digits(s, len, &i, 2, &mi) || !lit(s, len, &i, ':') ||
		!digits(s, len, &i, 2, &sec))
		goto bad;
	if (lit(s, len, &i, '.')) {
		size_t start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 9)
			i++;
		if (i == start)
			goto bad;
	}
	if (lit(s, len, &i, 'Z') || lit(s, len, &i, 'z')) {
		sign = 0;
	} else if (lit(s, len, &i, '+')) {
		sign = 1;
	} else if (lit(s, len, &i, '-')) {
		sign = -1;
	} else {
		goto bad;
	}
	if (sign != 0 && (!digits(s, len, &i, 2, &oh) || !lit(s, len, &i, ':') ||
				 !digits(s, len, &i, 2, &om) || oh > 23 || om > 59))
		goto bad;
	if (i != len || sg_time_from_fields(y, mo, day, h, mi, sec, &t) != SG_OK)
		goto bad;
	*out = t - sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
	return SG_OK;
bad:
	*out = 0;
	return sg_diag_fail_at(d, SG_ERR_JSON_VALUE, "RFC 3339 time", i);
}

/* see timeutil.h */
sg_err
sg_time_format_rfc3339(int64_t t, char *out, size_t cap)
{
	int y, mo, day, h, mi, s;
	sg_time_to_fields(t, &y, &mo, &day, &h, &mi, &s);
	int n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, day, h, mi, s);
	if (n < 0 || (size_t)n >= cap)
		return SG_ERR_LIMIT;
	return SG_OK;
}

/* ---- Go durations (time.ParseDuration) ---- */

/* see timeutil.h */
sg_err
sg_duration_parse(const uint8_t *s, size_t len, int64_t *out)
{
	/* Units in nanoseconds, longest spelling first where one is a prefix of another. */
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {{"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000},
		{"ms", 1000000}, {"s", 1000000000}, {"m", 60000000000}, {"h", 3600000000000}};
	/* 100 years in nanoseconds: far beyond any sensible age, far below 2^63. */
	const uint64_t max = 100ull * 366 * 86400 * 1000000000ull;
	size_t i = 0;
	uint64_t total = 0;
	*out = 0;
	if (i < len && s[i] == '+')
		i++;
	if (i == len)
		return SG_ERR_ARG;
	if (len - i == 1 && s[i] == '0') {
		*out = 0;
		return SG_OK;
	}
	while (i < len) {
		/* digits [ "." digits ], at least one digit overall */
		uint64_t whole = 0, frac = 0, scale = 1;
		size_t digits = 0;
		while (i < len && sg_is_digit(s[i])) {
			if (whole > max)
				return SG_ERR_ARG;
			whole = whole * 10 + (uint64_t)(s[i++] - '0');
			digits++;
		}
		if (i < len && s[i] == '.') {
			i++;
			while (i < len && sg_is_digit(s[i])) {
				/* nine digits resolve a nanosecond; further ones cannot matter to a
				 * result in whole seconds */
				if (scale < 1000000000ull) {
					frac = frac * 10 + (uint64_t)(s[i] - '0');
					scale *= 10;
				}
				i++;
				digits++;
			}
		}
		if (digits == 0)
			return SG_ERR_ARG;
		size_t u = 0, ulen = 0;
		for (; u < sizeof units / sizeof units[0]; u++) {
			ulen = strlen(units[u].name);
			/* "m" must not take the "m" of "ms" */
			int ms = ulen == 1 && units[u].name[0] == 'm' && len - i > 1 &&
				 s[i + 1] == 's';
			if (len - i >= ulen && memcmp(s + i, units[u].name, ulen) == 0 && !ms)
				break;
		}
		if (u == sizeof units / sizeof units[0])
			return SG_ERR_ARG;
		i += ulen;
		uint64_t ns = units[u].ns;
		if (whole > max / ns)
			return SG_ERR_ARG;
		/* frac/scale of a unit in integers: scale and every unit below a second are powers
		 * of ten, and the larger units multiples of 10^9, so one division is exact */
		uint64_t part = whole * ns;
		part += ns >= scale ? frac * (ns / scale) : frac / (scale / ns);
		if (part > max || total > max - part)
			return SG_ERR_ARG;
		total += part;
	}
	*out = (int64_t)(total / 1000000000ull);
	return SG_OK;
}

/* see timeutil.h */
sg_err
sg_duration_format(int64_t secs, char *out, size_t cap)
{
	if (cap < 24 || secs < 0)
		return SG_ERR_LIMIT;
	long long h = secs / 3600, m = secs / 60 % 60, sec = secs % 60;
	int n = h > 0 ? snprintf(out, cap, "%lldh%lldm%llds", h, m, sec)
		: m > 0 ? snprintf(out, cap, "%lldm%llds", m, sec)
			: snprintf(out, cap, "%llds", sec);
	return n > 0 && (size_t)n < cap ? SG_OK : SG_ERR_LIMIT;
}
