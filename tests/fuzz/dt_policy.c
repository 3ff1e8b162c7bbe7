// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "dt_policy": the loader's platform DMA policy
 * (arch/arm64/efi/dt_policy.c, the real file) on mutated device trees, with
 * the build machine's libfdt as in tests/unit/dt_policy_test.c.
 *
 * Input: one byte of settings (bit 0: allow_no_iommu; bits 1-2: no SMMU,
 * QEMU virt's SMMUv3, or the one the other unit-test trees name; bit 3: an
 * allow_dma list), then a DTB. Like the loader (fdt.c), the tree only has to
 * pass fdt_check_header(); everything after that is the classifier's to
 * survive. On success the host's copy is made and published as fdt.c does.
 *
 * Invariants: no crash or sanitizer report (truncated, unterminated or
 * oversized properties, bad offsets, loops of phandles); every log line is
 * a terminated string at a known level; the counts add up; each class is
 * known; the removed ranges fit boot_info, are page aligned, non-empty,
 * sorted and disjoint.
 */
#include <libfdt.h>
#include <string.h>

#include <isohyp/errno.h>

#include "fuzz.h"
#include "../../arch/arm64/efi/dt_policy.h"

#define HOST_SLACK (64 * 1024)

static void log_line(void *arg, enum dt_log_level level, const char *line)
{
	FUZZ_CHECK(level == DT_LOG_INFO || level == DT_LOG_WARN || level == DT_LOG_ERR);
	FUZZ_CHECK(strlen(line) < 4096);
}

static void check_outputs(const struct dt_policy *p, const struct boot_info *bi)
{
	unsigned int i, sum = 0;

	FUZZ_CHECK(p->nr_nodes <= DT_POLICY_MAX_NODES);
	for (i = 0; i < DT_CLASS_COUNT; i++)
		sum += p->nr_class[i];
	FUZZ_CHECK(sum == p->nr_nodes);
	for (i = 0; i < p->nr_nodes; i++)
		FUZZ_CHECK(p->node[i].cls < DT_CLASS_COUNT && p->node[i].offset >= 0);
	FUZZ_CHECK(bi->nr_removed <= BOOT_INFO_MAX_REMOVED);
	FUZZ_CHECK(bi->nr_its <= BOOT_INFO_MAX_ITS);
	for (i = 0; i < bi->nr_removed; i++) {
		const struct boot_mem_range *r = &bi->removed[i];

		FUZZ_CHECK(r->size && !(r->base & 0xfff) && !(r->size & 0xfff));
		FUZZ_CHECK(r->base + r->size > r->base);
		if (i)
			FUZZ_CHECK(bi->removed[i - 1].base + bi->removed[i - 1].size <= r->base);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dt_policy p;
	static struct boot_info bi;
	unsigned int flags;
	void *fdt, *host;
	size_t host_size;
	int ret;

	if (size < 1 + sizeof(struct fdt_header))
		return 0;
	flags = data[0];
	data++, size--;
	/* An exact-size copy: reading past the blob is an ASan report. */
	fdt = malloc(size);
	memcpy(fdt, data, size);
	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > size)
		goto out;

	memset(&p, 0, sizeof(p));
	memset(&bi, 0, sizeof(bi));
	p.log = log_line;
	p.allow_no_iommu = flags & 1;
	p.allow_dma = flags & 8 ? "virtio,mmio,pci-host-ecam-generic" : "";
	switch ((flags >> 1) & 3) {
	case 0:
		break;
	case 1:
		bi.nr_smmus = 1;
		bi.smmu[0].base = 0x9050000;
		bi.smmu[0].size = 0x20000;
		break;
	default:
		bi.nr_smmus = 1;
		bi.smmu[0].base = 0x2b400000;
		bi.smmu[0].size = 0x20000;
	}
	ret = dt_policy_classify(&p, fdt, &bi);
	if (ret) {
		FUZZ_CHECK(ret < 0);
		goto out;
	}
	check_outputs(&p, &bi);

	/* The host's copy, as fdt.c's fdt_make_host_tree() builds it. */
	host_size = fdt_totalsize(fdt) + HOST_SLACK;
	host = malloc(host_size);
	ret = fdt_open_into(fdt, host, host_size);
	if (!ret) {
		ret = fdt_add_subnode(host, 0, "isohyp");
		if (ret >= 0)
			dt_policy_publish(&p, fdt, host);
	}
	free(host);
out:
	free(fdt);
	return 0;
}
