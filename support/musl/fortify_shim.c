/* fortify_shim: only for `make static`. Debian's libbearssl.a was compiled with
 * _FORTIFY_SOURCE against glibc and calls __memcpy_chk, __memmove_chk and __memset_chk, which
 * musl does not provide. These keep glibc's meaning: abort when the length exceeds the
 * destination object size, else do the plain operation. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void *__memcpy_chk(void *dst, const void *src, size_t len, size_t dstlen);
void *__memmove_chk(void *dst, const void *src, size_t len, size_t dstlen);
void *__memset_chk(void *dst, int c, size_t len, size_t dstlen);

void *
__memcpy_chk(void *dst, const void *src, size_t len, size_t dstlen)
{
	if (len > dstlen)
		abort();
	return memcpy(dst, src, len);
}

void *
__memmove_chk(void *dst, const void *src, size_t len, size_t dstlen)
{
	if (len > dstlen)
		abort();
	return memmove(dst, src, len);
}

void *
__memset_chk(void *dst, int c, size_t len, size_t dstlen)
{
	if (len > dstlen)
		abort();
	return memset(dst, c, len);
}
