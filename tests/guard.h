/* guard: place test input just before an unmapped (PROT_NONE) page, so that a parser that
 * reads one byte past its input crashes even without ASan (style.md §6, after picohttpparser).
 * Call guard_put() for each input; the previous one is released. */
#ifndef SG_TEST_GUARD_H
#define SG_TEST_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *guard_map_;
static size_t guard_map_len_;

static inline void
guard_release(void)
{
	if (guard_map_ != NULL)
		munmap(guard_map_, guard_map_len_);
	guard_map_ = NULL;
}

/* Copy `len` bytes so that they end exactly at a PROT_NONE page; returns the copy or NULL. */
static inline const uint8_t *
guard_put(const void *p, size_t len)
{
	guard_release();
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t data_pages = (len + page - 1) / page;
	if (data_pages == 0)
		data_pages = 1;
	guard_map_len_ = (data_pages + 1) * page;
	void *m = mmap(NULL, guard_map_len_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (m == MAP_FAILED) {
		guard_map_ = NULL;
		return NULL;
	}
	guard_map_ = m;
	uint8_t *base = (uint8_t *)m;
	if (mprotect(base + data_pages * page, page, PROT_NONE) != 0)
		return NULL;
	uint8_t *dst = base + data_pages * page - len;
	if (len > 0)
		memcpy(dst, p, len);
	return dst;
}

#endif
