// SPDX-License-Identifier: GPL-2.0-only
/*
 * The loader's platform DMA policy (arch/arm64/efi/dt_policy.c) on device
 * trees compiled by dtc from tests/unit/dts/, linked with the build
 * machine's libfdt: the classification of every node, the removed ranges
 * (translated through "ranges", page aligned, merged), the ITS and fw_cfg
 * in boot_info, the host's tree (disabled nodes, /isohyp properties),
 * allow_dma=, the no-IOMMU refusal and allow_no_iommu=, and malformed
 * trees: a conservative class or a clear error, never a crash.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include <isohyp/errno.h>
#include <uapi/isohyp.h>

#include "../../arch/arm64/efi/dt_policy.h"

#ifndef DTB_DIR
#error "DTB_DIR: where the Makefile put the compiled tests/unit/dts/*.dtb"
#endif

#define TREE_SIZE (256 * 1024)
#define LOG_SIZE (64 * 1024)

FIXTURE(dtp)
{
	char *fdt, *host;
	struct boot_info bi;
	struct dt_policy p;
	char log[LOG_SIZE];
	size_t log_len;
};

FIXTURE_VARIANT(dtp)
{
	int unused;
};

static void capture(void *arg, enum dt_log_level level, const char *line)
{
	static const char *const prefix[] = { "", "warning: ", "error: " };
	FIXTURE_DATA(dtp) *self = arg;

	self->log_len += snprintf(self->log + self->log_len, LOG_SIZE - self->log_len,
				  "%s%s\n", prefix[level], line);
	if (self->log_len >= LOG_SIZE)
		self->log_len = LOG_SIZE - 1;
}

/* Every line in the log, the first too, follows a newline: tests match "\nline\n". */
static void clear_log(FIXTURE_DATA(dtp) *self)
{
	strcpy(self->log, "\n");
	self->log_len = 1;
}

FIXTURE_SETUP(dtp)
{
	memset(&self->bi, 0, sizeof(self->bi));
	memset(&self->p, 0, sizeof(self->p));
	self->fdt = calloc(1, TREE_SIZE);
	self->host = calloc(1, TREE_SIZE);
	clear_log(self);
	self->p.log = capture;
	self->p.log_arg = self;
	/* The SMMUv3 the loader would hand the hypervisor in every tree but qemu-virt's. */
	self->bi.nr_smmus = 1;
	self->bi.smmu[0].base = 0x2b400000;
	self->bi.smmu[0].size = 0x20000;
}

FIXTURE_TEARDOWN(dtp)
{
	free(self->fdt);
	free(self->host);
}

FIXTURE_VARIANT_ADD(dtp, default){ 0 };

/* Read DTB_DIR/@name.dtb into self->fdt, with room to edit it. */
static int load(FIXTURE_DATA(dtp) *self, const char *name)
{
	char path[512], *buf = calloc(1, TREE_SIZE);
	FILE *f;
	size_t n;
	int err;

	snprintf(path, sizeof(path), "%s/%s.dtb", DTB_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		free(buf);
		return -1;
	}
	n = fread(buf, 1, TREE_SIZE, f);
	fclose(f);
	err = n ? fdt_open_into(buf, self->fdt, TREE_SIZE) : -1;
	free(buf);
	return err;
}

static int load_qemu_virt(FIXTURE_DATA(dtp) *self)
{
	self->bi.smmu[0].base = 0x9050000;
	return load(self, "qemu-virt");
}

static int classify(FIXTURE_DATA(dtp) *self)
{
	return dt_policy_classify(&self->p, self->fdt, &self->bi);
}

/* The host's copy as fdt.c makes it (with /isohyp), then the policy applied. */
static int publish(FIXTURE_DATA(dtp) *self)
{
	int err = fdt_open_into(self->fdt, self->host, TREE_SIZE);

	err = err ?: fdt_add_subnode(self->host, 0, "isohyp");
	if (err < 0)
		return err;
	return dt_policy_publish(&self->p, self->fdt, self->host);
}

/* The class the policy gave the node at @path, or -1 if it classified none. */
static int class_of(FIXTURE_DATA(dtp) *self, const char *path)
{
	int node = fdt_path_offset(self->fdt, path);
	unsigned int i;

	for (i = 0; node >= 0 && i < self->p.nr_nodes; i++)
		if (self->p.node[i].offset == node)
			return self->p.node[i].cls;
	return -1;
}

static bool logged(FIXTURE_DATA(dtp) *self, const char *text)
{
	return strstr(self->log, text) != NULL;
}

/* Is @s one of the strings of /isohyp's @prop in the host's tree? */
static bool isohyp_lists(FIXTURE_DATA(dtp) *self, const char *prop, const char *s)
{
	int node = fdt_path_offset(self->host, "/isohyp");

	return node >= 0 && fdt_stringlist_search(self->host, node, prop, s) >= 0;
}

static int isohyp_count(FIXTURE_DATA(dtp) *self, const char *prop)
{
	int node = fdt_path_offset(self->host, "/isohyp"), n;

	n = node >= 0 ? fdt_stringlist_count(self->host, node, prop) : node;
	return n == -FDT_ERR_NOTFOUND ? 0 : n;
}

static const char *host_status(FIXTURE_DATA(dtp) *self, const char *path)
{
	int node = fdt_path_offset(self->host, path);
	const char *s = node >= 0 ? fdt_getprop(self->host, node, "status", NULL) : "no node";

	return s ? s : "(none)";
}

#define EXPECT_CLASS(cls, path) EXPECT_EQ((int)(cls), class_of(self, path))
#define EXPECT_RANGE(i, b, s)                                           \
	do {                                                            \
		EXPECT_EQ((u64)(b), self->bi.removed[i].base);         \
		EXPECT_EQ((u64)(s), self->bi.removed[i].size);         \
	} while (0)

/* ---- QEMU virt, as the QEMU suites boot it ------------------------------------ */

/* Every node with registers of QEMU's virt machine gets the class section 9 asks. */
TEST_F(dtp, qemu_virt_classes)
{
	char path[64];
	int i;

	ASSERT_EQ(0, load_qemu_virt(self));
	ASSERT_EQ(0, classify(self));
	EXPECT_CLASS(DT_CLASS_IOMMU, "/smmuv3@9050000");
	EXPECT_CLASS(DT_CLASS_BEHIND_IOMMU, "/pcie@10000000");
	EXPECT_CLASS(DT_CLASS_NOT_DMA, "/pl011@9000000");
	EXPECT_CLASS(DT_CLASS_NOT_DMA, "/pl031@9010000");
	EXPECT_CLASS(DT_CLASS_NOT_DMA, "/pl061@9030000");
	EXPECT_CLASS(DT_CLASS_NOT_DMA, "/flash@0");
	EXPECT_CLASS(DT_CLASS_MEDIATED, "/intc@8000000");
	EXPECT_CLASS(DT_CLASS_MEDIATED, "/intc@8000000/its@8080000");
	EXPECT_CLASS(DT_CLASS_MEDIATED, "/fw-cfg@9020000");
	for (i = 0; i < 32; i++) {
		snprintf(path, sizeof(path), "/virtio_mmio@%x", 0xa000000 + i * 0x200);
		EXPECT_CLASS(DT_CLASS_REMOVED, path);
	}
	/* Not devices: CPUs, memory, nodes without registers. */
	EXPECT_CLASS(-1, "/cpus/cpu@0");
	EXPECT_CLASS(-1, "/memory@40000000");
	EXPECT_CLASS(-1, "/platform-bus@c000000");
	EXPECT_CLASS(-1, "/psci");
	EXPECT_EQ(41u, self->p.nr_nodes);
	EXPECT_FALSE(self->p.no_iommu);
}

/* One log line per node: its path and class; then a summary. */
TEST_F(dtp, qemu_virt_log_lines)
{
	ASSERT_EQ(0, load_qemu_virt(self));
	ASSERT_EQ(0, classify(self));
	EXPECT_TRUE(logged(self, "\ndma policy: /virtio_mmio@a000000: removed (may master DMA, no IOMMU in front)\n"));
	EXPECT_TRUE(logged(self, "\ndma policy: /fw-cfg@9020000: mediated\n"));
	EXPECT_TRUE(logged(self, "\ndma policy: /smmuv3@9050000: iommu\n"));
	EXPECT_TRUE(logged(self, "\ndma policy: /pcie@10000000: behind-iommu (iommu-map)\n"));
	EXPECT_TRUE(logged(self, "\ndma policy: 41 devices: 1 iommu, 1 behind-iommu, 4 not-dma, "
				 "3 mediated, 0 unisolated, 32 removed (register ranges: 1)\n"));
	EXPECT_FALSE(logged(self, "error"));
	EXPECT_FALSE(logged(self, "warning"));
	if (_metadata->failed)
		TH_LOG("log:\n%s", self->log);
}

/* 32 virtio-mmio transports of 0x200 bytes are one removed range; ITS and fw_cfg are in boot_info. */
TEST_F(dtp, qemu_virt_boot_info)
{
	ASSERT_EQ(0, load_qemu_virt(self));
	ASSERT_EQ(0, classify(self));
	ASSERT_EQ(1u, self->bi.nr_removed);
	EXPECT_RANGE(0, 0xa000000, 0x4000);
	ASSERT_EQ(1u, self->bi.nr_its);
	EXPECT_EQ(0x8080000u, self->bi.its[0].base);
	EXPECT_EQ(0x20000u, self->bi.its[0].size);
	EXPECT_EQ(0x9020000u, self->bi.fw_cfg.base);
	EXPECT_EQ(0x18u, self->bi.fw_cfg.size);
}

/* The host's tree: removed nodes disabled, the rest untouched, /isohyp says it all. */
TEST_F(dtp, qemu_virt_host_tree)
{
	ASSERT_EQ(0, load_qemu_virt(self));
	ASSERT_EQ(0, classify(self));
	ASSERT_EQ(0, publish(self));
	EXPECT_STREQ("disabled", host_status(self, "/virtio_mmio@a000000"));
	EXPECT_STREQ("disabled", host_status(self, "/virtio_mmio@a003e00"));
	EXPECT_STREQ("(none)", host_status(self, "/pl011@9000000"));
	EXPECT_STREQ("(none)", host_status(self, "/fw-cfg@9020000"));
	EXPECT_STREQ("(none)", host_status(self, "/pcie@10000000"));
	EXPECT_EQ(0, strcmp(ISOHYP_DT_DMA_ISOLATION_IOMMU,
			    fdt_getprop(self->host, fdt_path_offset(self->host, "/isohyp"),
					ISOHYP_DT_DMA_ISOLATION, NULL)));
	EXPECT_EQ(1, isohyp_count(self, ISOHYP_DT_DMA_ISOLATED_BY));
	EXPECT_TRUE(isohyp_lists(self, ISOHYP_DT_DMA_ISOLATED_BY, "/smmuv3@9050000"));
	EXPECT_EQ(3, isohyp_count(self, ISOHYP_DT_DMA_MEDIATED));
	EXPECT_TRUE(isohyp_lists(self, ISOHYP_DT_DMA_MEDIATED, "/intc@8000000"));
	EXPECT_TRUE(isohyp_lists(self, ISOHYP_DT_DMA_MEDIATED, "/intc@8000000/its@8080000"));
	EXPECT_TRUE(isohyp_lists(self, ISOHYP_DT_DMA_MEDIATED, "/fw-cfg@9020000"));
	EXPECT_EQ(32, isohyp_count(self, ISOHYP_DT_DMA_REMOVED));
	EXPECT_TRUE(isohyp_lists(self, ISOHYP_DT_DMA_REMOVED, "/virtio_mmio@a001000"));
	EXPECT_EQ(0, isohyp_count(self, ISOHYP_DT_DMA_UNISOLATED));
}

/* allow_dma= keeps the virtio-mmio transports, loudly, and lists them. */
TEST_F(dtp, allow_dma_keeps_named_compatibles)
{
	ASSERT_EQ(0, load_qemu_virt(self));
	self->p.allow_dma = "arm,pl330,virtio,mmio";
	ASSERT_EQ(0, classify(self));
	EXPECT_CLASS(DT_CLASS_UNISOLATED, "/virtio_mmio@a000000");
	EXPECT_EQ(32u, self->p.nr_class[DT_CLASS_UNISOLATED]);
	EXPECT_EQ(0u, self->bi.nr_removed);
	EXPECT_TRUE(logged(self, "\nwarning: DMA NOT ISOLATED: allow_dma=virtio,mmio keeps "
				 "/virtio_mmio@a003e00: it can read and write ALL memory"));
	ASSERT_EQ(0, publish(self));
	EXPECT_STREQ("(none)", host_status(self, "/virtio_mmio@a000000"));
	EXPECT_EQ(32, isohyp_count(self, ISOHYP_DT_DMA_UNISOLATED));
	EXPECT_EQ(0, isohyp_count(self, ISOHYP_DT_DMA_REMOVED));
}

/* allow_dma= matches whole compatibles between commas, not pieces of them. */
TEST_F(dtp, allow_dma_matches_whole_compatibles)
{
	static const char *const no[] = { "virtio", "mmio", "virtio,mm", "io,mmio", "x,virtio,mmi" };
	unsigned int i;

	ASSERT_EQ(0, load_qemu_virt(self));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		self->p.allow_dma = no[i];
		ASSERT_EQ(0, classify(self));
		EXPECT_CLASS(DT_CLASS_REMOVED, "/virtio_mmio@a000000");
	}
	self->p.allow_dma = "virtio,mmio,x";
	ASSERT_EQ(0, classify(self));
	EXPECT_CLASS(DT_CLASS_UNISOLATED, "/virtio_mmio@a000000");
}

/* No SMMUv3 the hypervisor drives: no install, with a message saying why. */
TEST_F(dtp, no_iommu_refused)
{
	ASSERT_EQ(0, load_qemu_virt(self));
	self->bi.nr_smmus = 0;
	EXPECT_EQ(-ENODEV, classify(self));
	EXPECT_TRUE(logged(self, "error: no SMMUv3 to isolate DMA:"));
	EXPECT_TRUE(logged(self, "allow_no_iommu=1"));
}

/*
 * allow_no_iommu=1: installs, says DMA is not isolated; the SMMU nobody
 * drives and the PCIe bridge behind it are removed like any DMA master.
 */
TEST_F(dtp, no_iommu_allowed_says_so)
{
	ASSERT_EQ(0, load_qemu_virt(self));
	self->bi.nr_smmus = 0;
	self->p.allow_no_iommu = true;
	ASSERT_EQ(0, classify(self));
	EXPECT_TRUE(self->p.no_iommu);
	EXPECT_TRUE(logged(self, "warning: DMA NOT ISOLATED: no IOMMU (allow_no_iommu=1)"));
	EXPECT_CLASS(DT_CLASS_REMOVED, "/smmuv3@9050000");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/pcie@10000000");
	ASSERT_EQ(3u, self->bi.nr_removed);
	EXPECT_RANGE(0, 0x9050000, 0x20000);
	EXPECT_RANGE(1, 0xa000000, 0x4000);
	EXPECT_RANGE(2, 0x4010000000, 0x10000000);
	ASSERT_EQ(0, publish(self));
	EXPECT_EQ(0, strcmp(ISOHYP_DT_DMA_ISOLATION_NONE,
			    fdt_getprop(self->host, fdt_path_offset(self->host, "/isohyp"),
					ISOHYP_DT_DMA_ISOLATION, NULL)));
	EXPECT_EQ(0, isohyp_count(self, ISOHYP_DT_DMA_ISOLATED_BY));
}

/* An SMMUv3 node that firmware disabled is not driven: removed, its registers too. */
TEST_F(dtp, disabled_smmu_removed)
{
	ASSERT_EQ(0, load_qemu_virt(self));
	ASSERT_EQ(0, fdt_setprop_string(self->fdt, fdt_path_offset(self->fdt, "/smmuv3@9050000"),
					"status", "disabled"));
	self->bi.nr_smmus = 0;
	self->p.allow_no_iommu = true;
	ASSERT_EQ(0, classify(self));
	EXPECT_CLASS(DT_CLASS_REMOVED, "/smmuv3@9050000");
	EXPECT_TRUE(logged(self, "/smmuv3@9050000: removed (an IOMMU isohyp does not drive)"));
}

/* ---- buses: classes, translation, what is not a device --------------------------- */

/* Each class, on a tree with two IOMMUs nobody drives and nested buses. */
TEST_F(dtp, buses_classes)
{
	ASSERT_EQ(0, load(self, "buses"));
	ASSERT_EQ(0, classify(self));
	EXPECT_CLASS(DT_CLASS_IOMMU, "/iommu@2b400000");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/iommu@2b500000");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/iommu@2b600000");
	EXPECT_CLASS(DT_CLASS_NOT_DMA, "/uart@1c090000");
	EXPECT_CLASS(DT_CLASS_NOT_DMA, "/uart@1c0a0000");
	EXPECT_CLASS(DT_CLASS_BEHIND_IOMMU, "/dma@1c100000");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/dma@1c110000");
	EXPECT_CLASS(DT_CLASS_BEHIND_IOMMU, "/pcie@40000000");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/crypto@1c200000");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/dma-engine@1c200800");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/video@1c300000");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/soc/usb@10000");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/soc/sub/gpu@20000");
	EXPECT_CLASS(DT_CLASS_NOT_DMA, "/soc/sub/inner/rtc@100");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/soc/sub/inner/sata@1200");
	EXPECT_CLASS(DT_CLASS_REMOVED, "/soc/i2c@40000");
	EXPECT_EQ(16u, self->p.nr_nodes);
	EXPECT_TRUE(logged(self, "/dma@1c110000: removed (its iommus/iommu-map name an IOMMU "
				 "isohyp does not drive)"));
	EXPECT_TRUE(logged(self, "/iommu@2b500000: removed (an IOMMU isohyp does not drive)"));
}

/* CPUs, memory, reserved memory and PCI functions are not classified; I2C devices are skipped, logged. */
TEST_F(dtp, buses_not_devices)
{
	ASSERT_EQ(0, load(self, "buses"));
	ASSERT_EQ(0, classify(self));
	EXPECT_CLASS(-1, "/cpus/cpu@0");
	EXPECT_CLASS(-1, "/memory@80000000");
	EXPECT_CLASS(-1, "/soc-ram/sram@1");
	EXPECT_CLASS(-1, "/reserved-memory/secure@90000000");
	EXPECT_CLASS(-1, "/pcie@40000000/ethernet@0,0");
	EXPECT_CLASS(-1, "/soc/i2c@40000/eeprom@50");
	EXPECT_TRUE(logged(self, "dma policy: /soc/i2c@40000/eeprom@50: skipped: not memory-mapped\n"));
	EXPECT_FALSE(logged(self, "ethernet"));
	EXPECT_FALSE(logged(self, "cpu@0"));
}

/* Removed ranges: translated through ranges, page aligned outward, sorted, merged. */
TEST_F(dtp, buses_removed_ranges)
{
	static const u64 want[][2] = {
		{ 0x1c110000, 0x1000 }, /* dma@1c110000 */
		{ 0x1c200000, 0x2000 }, /* crypto (disabled) + dma-engine, merged */
		{ 0x1c300000, 0x1000 }, /* video's first range */
		{ 0x1c302000, 0x1000 }, /* and its second */
		{ 0x20010000, 0x1000 }, /* soc/usb: 0x10000 through soc's ranges */
		{ 0x20020000, 0x3000 }, /* soc/sub/gpu: through an empty ranges */
		{ 0x20031000, 0x1000 }, /* soc/sub/inner/sata: two offsets */
		{ 0x20040000, 0x1000 }, /* soc/i2c */
		{ 0x2b500000, 0x10000 }, /* the MMU-500 */
		{ 0x2b600000, 0x20000 }, /* the disabled SMMUv3 */
	};
	unsigned int i;

	ASSERT_EQ(0, load(self, "buses"));
	ASSERT_EQ(0, classify(self));
	ASSERT_EQ(10u, self->bi.nr_removed);
	for (i = 0; i < 10; i++)
		EXPECT_RANGE(i, want[i][0], want[i][1]);
	EXPECT_EQ(0u, self->bi.nr_its);
	EXPECT_EQ(0u, self->bi.fw_cfg.size);
}

/* dt_reg_translate() on its own: each level of ranges, and what it refuses. */
TEST_F(dtp, reg_translate)
{
	u64 base = 0, size = 0;

	ASSERT_EQ(0, load(self, "buses"));
	EXPECT_EQ(0, dt_reg_translate(self->fdt, fdt_path_offset(self->fdt, "/soc/sub/inner/rtc@100"),
				      0, &base, &size));
	EXPECT_EQ(0x20030100u, base);
	EXPECT_EQ(0x100u, size);
	EXPECT_EQ(0, dt_reg_translate(self->fdt, fdt_path_offset(self->fdt, "/video@1c300000"), 1,
				      &base, &size));
	EXPECT_EQ(0x1c302000u, base);
	EXPECT_EQ(-ENOENT, dt_reg_translate(self->fdt, fdt_path_offset(self->fdt, "/video@1c300000"),
					    2, &base, &size));
	EXPECT_EQ(-ENODEV, dt_reg_translate(self->fdt,
					    fdt_path_offset(self->fdt, "/soc/i2c@40000/eeprom@50"),
					    0, &base, &size));
	EXPECT_EQ(-ENODEV, dt_reg_translate(self->fdt, fdt_path_offset(self->fdt, "/cpus/cpu@0"), 0,
					    &base, &size));
}

/* ---- malformed trees ----------------------------------------------------------- */

/* Malformed properties never make a device look safer: each of these is removed. */
TEST_F(dtp, malformed_is_removed)
{
	static const char *const removed[] = {
		"/iommu@2b600000", "/uart@1c090000", "/dev@1c100000", "/dev@1c110000",
		"/dev@1c120000",   "/pcie@1c130000", "/dev@1c140000", "/thing@1c160000",
	};
	unsigned int i;

	ASSERT_EQ(0, load(self, "malformed"));
	/* Even were the malformed-status SMMU handed to the hypervisor. */
	self->bi.nr_smmus = 2;
	self->bi.smmu[1].base = 0x2b600000;
	ASSERT_EQ(0, classify(self));
	EXPECT_CLASS(DT_CLASS_IOMMU, "/iommu@2b400000");
	for (i = 0; i < sizeof(removed) / sizeof(removed[0]); i++) {
		EXPECT_CLASS(DT_CLASS_REMOVED, removed[i]);
		if (class_of(self, removed[i]) != DT_CLASS_REMOVED)
			TH_LOG("%s", removed[i]);
	}
	/* Allow-listed with a truncated reg: harmless, and nothing to remove. */
	EXPECT_CLASS(DT_CLASS_NOT_DMA, "/rtc@1c150000");
	EXPECT_EQ(8u, self->bi.nr_removed);
	EXPECT_TRUE(logged(self, "/uart@1c090000: removed (no well-formed compatible)"));
	EXPECT_TRUE(logged(self, "/thing@1c160000: removed (no well-formed compatible)"));
}

/*
 * A property length of -12 steps libfdt 1.6.1's walkers back onto the same
 * tag forever, and an END_NODE too many sends fdt_get_path() before its
 * buffer: the tree is refused before anything walks it.
 */
TEST_F(dtp, broken_structure_block_is_refused)
{
	u8 *st;
	int prop;

	ASSERT_EQ(0, load_qemu_virt(self));
	ASSERT_EQ(0, dt_check_tree(self->fdt));
	st = (u8 *)self->fdt + fdt_off_dt_struct(self->fdt);
	prop = fdt_first_property_offset(self->fdt, fdt_path_offset(self->fdt, "/pl011@9000000"));
	ASSERT_LE(0, prop);
	memcpy(st + prop + 4, "\xff\xff\xff\xf4", 4); /* fdt_property.len = -12 */
	EXPECT_EQ(-FDT_ERR_TRUNCATED, dt_check_tree(self->fdt));
	EXPECT_EQ(-EINVAL, classify(self));
	EXPECT_TRUE(logged(self, "dma policy: bad device tree: FDT_ERR_TRUNCATED"));

	/* The root's END_NODE twice: FDT_END_NODE where FDT_END was. */
	ASSERT_EQ(0, load_qemu_virt(self));
	st = (u8 *)self->fdt + fdt_off_dt_struct(self->fdt);
	memcpy(st + fdt_size_dt_struct(self->fdt) - 4, "\0\0\0\2", 4);
	EXPECT_NE(0, dt_check_tree(self->fdt));
	EXPECT_EQ(-EINVAL, classify(self));
}

/* Keep only the top-level bus @keep of errors.dts. */
static int only_case(FIXTURE_DATA(dtp) *self, const char *keep)
{
	int node, err;

	if (load(self, "errors"))
		return -1;
	for (;;) {
		fdt_for_each_subnode(node, self->fdt, 0) {
			const char *name = fdt_get_name(self->fdt, node, NULL);

			if (!strncmp(name, "case-", 5) && strcmp(name, keep))
				break;
		}
		if (node < 0)
			break;
		err = fdt_del_node(self->fdt, node);
		if (err)
			return err;
	}
	return 0;
}

struct error_case {
	const char *bus;
	int ret;
	const char *message;
};

/* Trees whose removed or mediated registers cannot be located: a clear error each. */
TEST_F(dtp, errors_are_clear)
{
	static const struct error_case cases[] = {
		{ "case-truncated-reg", -EINVAL,
		  "error: dma policy: /case-truncated-reg/dev@1c000000: cannot locate register range 0" },
		{ "case-bad-cells", -EINVAL, "error: dma policy: /case-bad-cells/dev@1: cannot locate" },
		{ "case-cells-length", -EINVAL, "/case-cells-length/dev@1c000000: cannot locate" },
		{ "case-outside-ranges", -EINVAL, "/case-outside-ranges/dev@20000: cannot locate" },
		{ "case-ranges-length", -EINVAL, "/case-ranges-length/dev@0: cannot locate" },
		{ "case-wrapping", -EINVAL, "/case-wrapping/dev@fffffffffffff000: cannot locate" },
		{ "case-its-reg", -EINVAL,
		  "error: dma policy: /case-its-reg/its@8080000: cannot locate its registers" },
		{ "case-shared-page", -EBUSY,
		  "error: dma policy: /case-shared-page/uart@1c090000 (not-dma) has registers in "
		  "removed page(s) 1c090000-1c090fff" },
		{ "case-too-many", -E2BIG,
		  "error: dma policy: 33 register ranges to remove, the hypervisor takes at most 32" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		clear_log(self);
		ASSERT_EQ(0, only_case(self, cases[i].bus));
		ASSERT_LE(0, fdt_subnode_offset(self->fdt, 0, cases[i].bus));
		EXPECT_EQ(cases[i].ret, classify(self));
		EXPECT_TRUE(logged(self, cases[i].message));
		if (_metadata->failed) {
			TH_LOG("%s: log:\n%s", cases[i].bus, self->log);
			break;
		}
	}
}

/* Each error case on its own is the only problem: without it the tree classifies. */
TEST_F(dtp, errors_tree_without_cases_classifies)
{
	ASSERT_EQ(0, only_case(self, "case-none"));
	EXPECT_EQ(0, classify(self));
	EXPECT_EQ(0u, self->p.nr_nodes);
}

TEST_HARNESS_MAIN
