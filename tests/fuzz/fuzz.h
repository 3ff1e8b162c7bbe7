/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the libFuzzer targets in tests/fuzz/: FUZZ_CHECK(), an
 * invariant that aborts -- which libFuzzer reports as a crash and saves the
 * input that broke it -- with the file, line and condition on stderr.
 */
#ifndef ISOHYP_TESTS_FUZZ_H
#define ISOHYP_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
				#cond);                                                   \
			abort();                                                          \
		}                                                                         \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* ISOHYP_TESTS_FUZZ_H */
