/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The platform DMA policy (ARCHITECTURE.md section 9), decided by the loader
 * from the firmware's device tree (arch/arm64/efi/dt_policy.c). Pure C over
 * libfdt, no UEFI: the host unit tests (tests/unit/dt_policy_test.c) run
 * exactly the code the loader runs.
 *
 * Every node with registers ("reg", translated to a CPU physical address
 * through each ancestor's "ranges") gets one class:
 *
 *	iommu         an SMMUv3 the hypervisor drives (one of boot_info smmu[])
 *	behind-iommu  every "iommus" / "iommu-map" entry is such an SMMUv3:
 *	              its DMA goes through the hypervisor's stage-2
 *	not-dma       on the built-in allow-list: cannot master memory
 *	mediated      the hypervisor mediates its DMA (GICv3 and its ITS, QEMU
 *	              fw_cfg); the ITS and fw_cfg registers go into boot_info
 *	unisolated    named by allow_dma=: kept, with a loud warning
 *	removed       anything else: disabled in the host's tree, its register
 *	              pages (merged) in boot_info removed[] for the hypervisor
 *	              to take, so a host access is an external abort
 *
 * Not devices, not classified: nodes without "reg"; /cpus, /memory*,
 * /reserved-memory, /chosen, /aliases and nodes of device_type "cpu" or
 * "memory"; nodes on a PCI bus (their DMA is their host bridge's: the
 * bridge is classified); nodes on a bus that is not memory-mapped (an
 * ancestor without "ranges", e.g. I2C devices), which are logged.
 *
 * Malformed properties (wrong lengths, bad cells, unterminated strings,
 * phandles that resolve nowhere) never make a device look safer: they make
 * it "removed", or fail with a message when its registers cannot be found.
 */
#ifndef ISOHYP_EFI_DT_POLICY_H
#define ISOHYP_EFI_DT_POLICY_H

#include <isohyp/boot_info.h>
#include <isohyp/types.h>

#define DT_POLICY_MAX_NODES 512
/* Register ranges of removed devices before merging; boot_info holds fewer. */
#define DT_POLICY_MAX_RANGES 512
#define DT_POLICY_PATH_MAX 256

enum dt_class {
	DT_CLASS_IOMMU,
	DT_CLASS_BEHIND_IOMMU,
	DT_CLASS_NOT_DMA,
	DT_CLASS_MEDIATED,
	DT_CLASS_UNISOLATED,
	DT_CLASS_REMOVED,
	DT_CLASS_COUNT,
};

enum dt_log_level {
	DT_LOG_INFO,
	DT_LOG_WARN,
	DT_LOG_ERR,
};

struct dt_policy_node {
	int offset; /* in the firmware's tree */
	enum dt_class cls;
};

struct dt_policy {
	/* Inputs, set before dt_policy_classify(). */
	const char *allow_dma; /* "compatible[,compatible...]", or "" / NULL */
	bool allow_no_iommu;
	/* One line per call, without a trailing newline. */
	void (*log)(void *arg, enum dt_log_level level, const char *line);
	void *log_arg;

	/* Outputs. */
	bool no_iommu; /* no SMMU driven: DMA is not isolated (allow_no_iommu) */
	unsigned int nr_nodes;
	unsigned int nr_class[DT_CLASS_COUNT];
	struct dt_policy_node node[DT_POLICY_MAX_NODES];
};

/* "iommu", "behind-iommu", ... as in the table above. */
const char *dt_class_name(enum dt_class cls);

/*
 * Entry @idx of @node's "reg", translated to a CPU physical address through
 * the "ranges" of every ancestor up to the root. 0; -ENOENT when there is no
 * entry @idx; -ENODEV when the node is not memory-mapped (an ancestor has no
 * "ranges", or a bus on the way has #size-cells = 0); -ERANGE when the range
 * lies in no "ranges" window; -EINVAL for malformed cells, lengths or a
 * wrapping range.
 */
int dt_reg_translate(const void *fdt, int node, int idx, u64 *base, u64 *size);

/*
 * Whether libfdt may walk @fdt: a good header, version 17, and a structure
 * block whose tokens each move forward inside it with balanced nodes (our own
 * pass: libfdt 1.6.1's fdt_next_tag() steps back onto the same property on a
 * length of -12 and loops forever, and its fdt_get_path() reads before its
 * buffer on broken nesting), then fdt_check_full(). 0 or -FDT_ERR_*. Nothing
 * else in the loader or here touches a tree this refused.
 */
int dt_check_tree(const void *fdt);

/* "status" absent, "okay" or "ok" (a malformed status is not okay). */
bool dt_node_is_okay(const void *fdt, int node);

/*
 * Classify every node of the firmware's tree @fdt. @bi must already hold the
 * SMMUv3s the hypervisor drives (smmu[], nr_smmus); this fills its[],
 * nr_its, fw_cfg, removed[] and nr_removed, and @p's outputs. Logs one line
 * per classified node. 0, or -errno after logging why: no IOMMU and no
 * allow_no_iommu (-ENODEV), more removed ranges than boot_info holds or too
 * many ITSs (-E2BIG), a removed or mediated device whose registers cannot be
 * located (-EINVAL), a removed page shared with a device the host keeps
 * (-EBUSY).
 */
int dt_policy_classify(struct dt_policy *p, const void *fdt, struct boot_info *bi);

/*
 * Apply @p to @host_fdt, a copy of @fdt that already has its /isohyp node:
 * "status" = "disabled" on each removed node, and the /isohyp properties of
 * include/uapi/isohyp.h. 0 or a negative libfdt error.
 */
int dt_policy_publish(const struct dt_policy *p, const void *fdt, void *host_fdt);

#endif /* ISOHYP_EFI_DT_POLICY_H */
