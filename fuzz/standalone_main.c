/* standalone_main: lets every libFuzzer harness build with gcc as a plain program that replays
 * the files named on its command line (make check replays fuzz/corpus and fuzz/regress). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int replayed = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (f == NULL) {
			fprintf(stderr, "cannot open %s\n", argv[i]);
			return 1;
		}
		/* Fuzz inputs are capped by max_len (at most 1 MiB in our options files). */
		static uint8_t buf[1 << 20];
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		/* Copy into an exact-size heap block so ASan catches any over-read. */
		uint8_t *copy = malloc(n ? n : 1);
		if (copy == NULL)
			return 1;
		for (size_t k = 0; k < n; k++)
			copy[k] = buf[k];
		LLVMFuzzerTestOneInput(copy, n);
		free(copy);
		replayed++;
	}
	printf("replayed %d inputs\n", replayed);
	return 0;
}
