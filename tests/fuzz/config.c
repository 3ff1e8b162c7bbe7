// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "config": the loader's isohyp.conf and load-options parser
 * (arch/arm64/efi/config.c, the real file) on arbitrary bytes. The first
 * input byte picks the entry point and whether a file was parsed first (so
 * the "key given twice by one source" and the override paths are reached);
 * the rest is the text.
 *
 * Invariants: no crash or sanitizer report; 0 or -EINVAL only; on error the
 * configuration is byte for byte what it was before the call (config.h:
 * "on error @cfg is left exactly as it was") and the message is a
 * terminated string inside @err; on success every string field is
 * terminated inside its array and every number is in its documented range.
 */
#include <string.h>

#include <isohyp/errno.h>

#include "fuzz.h"
#include "../../arch/arm64/efi/config.h"

static void check_terminated(const char *s, size_t size)
{
	FUZZ_CHECK(memchr(s, '\0', size) != NULL);
}

static void check_sane(const struct isohyp_config *c)
{
	check_terminated(c->next, sizeof(c->next));
	check_terminated(c->cmdline, sizeof(c->cmdline));
	check_terminated(c->initrd, sizeof(c->initrd));
	check_terminated(c->allow_dma, sizeof(c->allow_dma));
	FUZZ_CHECK(c->carveout_mb >= CONFIG_CARVEOUT_MIN_MB && c->carveout_mb <= CONFIG_CARVEOUT_MAX_MB);
	FUZZ_CHECK(c->log_level >= 0 && c->log_level <= 3);
	FUZZ_CHECK(c->test_hooks <= 1 && c->install <= 1 && c->smmu_noncoherent <= 1 &&
	      c->allow_no_iommu <= 1);
}

static const char base_file[] = "next=old/next\ncmdline=a b=c # d\nlog=info\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isohyp_config cfg, before;
	char err[160];
	unsigned int mode;
	char *text;
	int ret;

	if (size < 1)
		return 0;
	mode = data[0];
	data++, size--;
	/* An exact-size heap copy: ASan sees any read past @len. */
	text = malloc(size ? size : 1);
	memcpy(text, data, size);

	config_init_defaults(&cfg, 32, 2);
	if (mode & 2)
		FUZZ_CHECK(config_parse(&cfg, base_file, strlen(base_file), "base", err, sizeof(err)) == 0);
	before = cfg;
	memset(err, 0x5a, sizeof(err));
	if (mode & 1)
		ret = config_parse_load_options(&cfg, text, size, "load options", err, sizeof(err));
	else
		ret = config_parse(&cfg, text, size, "isohyp.conf", err, sizeof(err));
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	if (ret) {
		FUZZ_CHECK(memcmp(&cfg, &before, sizeof(cfg)) == 0);
		check_terminated(err, sizeof(err));
		FUZZ_CHECK(err[0] != '\0');
	} else {
		check_sane(&cfg);
		/* What the loader does next must hold up on whatever was parsed. */
		config_drop_test_keys(&cfg, mode & 4);
		check_sane(&cfg);
	}
	free(text);
	return 0;
}
