/* Unit tests for timeutil: known dates, leap years, field validation, RFC 3339 both ways. */
#include <string.h>

#include "runner.h"
#include "base/timeutil.h"

static int64_t
dur(const char *s)
{
	int64_t t = -2;
	if (sg_duration_parse((const uint8_t *)s, strlen(s), &t) != SG_OK)
		return -1;
	return t;
}

/* Go's time.ParseDuration grammar (cosign's duration flags), in whole seconds. */
static void
test_durations(void)
{
	CHECK(dur("72h") == 259200);
	CHECK(dur("30m") == 1800);
	CHECK(dur("1h30m") == 5400);
	CHECK(dur("1.5h") == 5400);
	CHECK(dur("90s") == 90);
	CHECK(dur("300ms") == 0);
	CHECK(dur("1500ms") == 1);
	CHECK(dur("2h45m30.5s") == 9930);
	CHECK(dur("+5s") == 5);
	CHECK(dur("0") == 0);
	CHECK(dur("0s") == 0);
	CHECK(dur(".5m") == 30);
	CHECK(dur("1.m") == 60);
	CHECK(dur("1000000us") == 1);
	CHECK(dur("1000000\xc2\xb5s") == 1);
	CHECK(dur("1h0.000000000001s") == 3600);
	CHECK(dur("876000h") == 3153600000);
	CHECK(dur("") == -1);
	CHECK(dur("5") == -1);
	CHECK(dur("-5s") == -1);
	CHECK(dur("5d") == -1);
	CHECK(dur("h") == -1);
	CHECK(dur(".s") == -1);
	CHECK(dur("5 s") == -1);
	CHECK(dur("1e3s") == -1);
	CHECK(dur("100000000h") == -1);
	CHECK(dur("99999999999999999999h") == -1);
	char b[32];
	CHECK_OK(sg_duration_format(259200, b, sizeof b));
	CHECK(strcmp(b, "72h0m0s") == 0);
	CHECK_OK(sg_duration_format(90, b, sizeof b));
	CHECK(strcmp(b, "1m30s") == 0);
	CHECK_OK(sg_duration_format(0, b, sizeof b));
	CHECK(strcmp(b, "0s") == 0);
	CHECK_ERR(sg_duration_format(5, b, 8), SG_ERR_LIMIT);
}

static int64_t
parse(const char *s)
{
	int64_t t = -1;
	if (sg_time_parse_rfc3339((const uint8_t *)s, strlen(s), &t, NULL) != SG_OK)
		return -1;
	return t;
}

int
main(void)
{
	int64_t t;
	CHECK(sg_days_from_civil(1970, 1, 1) == 0);
	CHECK(sg_days_from_civil(2000, 3, 1) == 11017);
	CHECK(sg_days_from_civil(1969, 12, 31) == -1);
	CHECK_OK(sg_time_from_fields(2021, 1, 12, 11, 53, 27, &t));
	CHECK(t == 1610452407);
	CHECK_OK(sg_time_from_fields(2024, 2, 29, 0, 0, 0, &t));
	CHECK_ERR(sg_time_from_fields(2023, 2, 29, 0, 0, 0, &t), SG_ERR_ARG);
	CHECK_ERR(sg_time_from_fields(2100, 2, 29, 0, 0, 0, &t), SG_ERR_ARG);
	CHECK_OK(sg_time_from_fields(2000, 2, 29, 0, 0, 0, &t));
	CHECK_ERR(sg_time_from_fields(2021, 13, 1, 0, 0, 0, &t), SG_ERR_ARG);
	CHECK_ERR(sg_time_from_fields(2021, 4, 31, 0, 0, 0, &t), SG_ERR_ARG);
	CHECK_ERR(sg_time_from_fields(2021, 1, 1, 24, 0, 0, &t), SG_ERR_ARG);
	CHECK_ERR(sg_time_from_fields(2021, 1, 1, 0, 60, 0, &t), SG_ERR_ARG);
	CHECK_ERR(sg_time_from_fields(2021, 1, 1, 0, 0, 60, &t), SG_ERR_ARG);

	CHECK(parse("2021-01-12T11:53:27Z") == 1610452407);
	CHECK(parse("2021-01-12T11:53:27.123456789Z") == 1610452407);
	CHECK(parse("2021-01-12T12:53:27+01:00") == 1610452407);
	CHECK(parse("2021-01-12T10:53:27-01:00") == 1610452407);
	CHECK(parse("1970-01-01T00:00:00Z") == 0);
	CHECK(parse("2021-01-12T11:53:27") == -1);
	CHECK(parse("2021-01-12 11:53:27Z") == -1);
	CHECK(parse("2021-1-12T11:53:27Z") == -1);
	CHECK(parse("2021-01-12T11:53:27.Z") == -1);
	CHECK(parse("2021-01-12T11:53:27.1234567890Z") == -1);
	CHECK(parse("2021-01-12T11:53:27Zx") == -1);
	CHECK(parse("2021-02-30T11:53:27Z") == -1);
	CHECK(parse("") == -1);
	/* Every proper prefix of a valid time is rejected. */
	const char *full = "2022-04-13T20:06:15.000Z";
	int prefixes_rejected = 1;
	for (size_t n = 0; n < strlen(full); n++) {
		int64_t x;
		if (sg_time_parse_rfc3339((const uint8_t *)full, n, &x, NULL) == SG_OK)
			prefixes_rejected = 0;
	}
	CHECK(prefixes_rejected);

	char buf[32];
	CHECK_OK(sg_time_format_rfc3339(1610452407, buf, sizeof buf));
	CHECK(strcmp(buf, "2021-01-12T11:53:27Z") == 0);
	CHECK_OK(sg_time_format_rfc3339(951782400, buf, sizeof buf));
	CHECK(strcmp(buf, "2000-02-29T00:00:00Z") == 0);
	CHECK_OK(sg_time_format_rfc3339(-1, buf, sizeof buf));
	CHECK(strcmp(buf, "1969-12-31T23:59:59Z") == 0);
	CHECK_ERR(sg_time_format_rfc3339(0, buf, 20), SG_ERR_LIMIT);
	/* Round trip across many days, including leap days. */
	int ok = 1;
	for (int64_t s = -86400LL * 800; s < 86400LL * 40000; s += 86400 * 7 + 3607) {
		int y, mo, d, h, mi, se;
		int64_t back;
		sg_time_to_fields(s, &y, &mo, &d, &h, &mi, &se);
		if (sg_time_from_fields(y, mo, d, h, mi, se, &back) != SG_OK || back != s)
			ok = 0;
	}
	CHECK(ok);
	test_durations();
	return test_finish();
}
