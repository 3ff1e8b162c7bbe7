/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The loader's configuration (arch/arm64/efi/config.c): pure C, no UEFI, so
 * the host unit tests exercise exactly the code the loader runs.
 *
 * Syntax of isohyp.conf (next to isohyp.efi):
 *	# a comment: only whole lines, since values such as cmdline= may hold '#'
 *	key=value
 * Blank lines are allowed, spaces and tabs around keys and values are
 * trimmed, and CRLF line ends are accepted. Keys:
 *	next=     path of the next stage on the same volume ('/' or '\'); empty:
 *	          install the hypervisor and return to the caller
 *	cmdline=  its command line (may hold spaces, '=' and '#')
 *	initrd=   path of an initrd on the same volume
 *	carveout_mb=  decimal, CONFIG_CARVEOUT_MB's range (2..1024)
 *	log=      error | warn | info | debug
 *	test_hooks=  0 | 1: accept the test-only hypercall TEST_HOOK (default 0;
 *	          for the test suites, never for a machine that matters)
 *	install=  1 | 0: 0 starts next WITHOUT installing the hypervisor, at
 *	          EL2 (default 1; for comparison runs of make bench only)
 *	          test_hooks and install are test-only keys: parsed always,
 *	          honoured only by builds with CONFIG_TEST_KEYS
 *	          (config_drop_test_keys)
 *	smmu_noncoherent=  0 | 1: 1 drives every SMMU as if its table walks
 *	          did not snoop the CPU's caches, whatever "dma-coherent" says
 *	          (default 0; for device trees that claim it wrongly)
 *	allow_dma=  compatible[,compatible...]: keep devices with one of these
 *	          compatibles although no IOMMU isolates their DMA (ARCHITECTURE.md
 *	          section 9); each is logged with a loud warning and listed in
 *	          /isohyp dma-unisolated. Compatibles hold commas themselves
 *	          ("virtio,mmio"): an item matches a whole compatible between
 *	          commas or the ends. No spaces, no empty items.
 *	allow_no_iommu=  0 | 1: install even when there is no SMMUv3 the
 *	          hypervisor drives (default 0: refuse); DMA is then not
 *	          isolated, which the log and /isohyp dma-isolation say
 *	smmu_mode=  nested | hidden: how every SMMUv3 is driven (ARCHITECTURE.md
 *	          section 6). hidden: the host does not see it; nested: the host
 *	          keeps its own SMMU driver for stage 1 on an emulated SMMU and
 *	          the hypervisor's stage 2 is nested under it. Default: nested
 *	          where the SMMU has both stages (IDR0.S1P and S2P) and
 *	          CONFIG_SMMU_NESTED_DEFAULT says so (it does), else hidden
 *	          (config_smmu_mode()). nested on an SMMU without both stages
 *	          is an error: nothing is installed
 *	host_stage2=  auto | blocks | pages: how the host stage-2 maps RAM
 *	          (ARCHITECTURE.md section 3, hyp/mem_protect.c). blocks: the
 *	          largest block that fits; pages: 4 KiB pages, faulted in 2 MiB
 *	          at a time (an error at install if the page pool cannot hold
 *	          the tables for all of RAM twice over). Default auto: pages on a
 *	          CPU that is a software model (MIDR implementer 0, QEMU's TCG
 *	          "max"), where the pool allows, else blocks
 * A key may appear once per source. Unknown keys and malformed lines are
 * errors that name the source and line.
 *
 * The image's load options override the file, with the same keys. Load
 * options are one line: items are separated by ';' (so "cmdline=a b c"
 * keeps its spaces), and a first word without '=' -- the image name the
 * UEFI shell passes -- is skipped: "isohyp.efi next=Image;cmdline=console=x".
 */
#ifndef ISOHYP_EFI_CONFIG_H
#define ISOHYP_EFI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_PATH_MAX 256
#define CONFIG_CMDLINE_MAX 1024
#define CONFIG_ALLOW_DMA_MAX 512
#define CONFIG_CARVEOUT_MIN_MB 2
#define CONFIG_CARVEOUT_MAX_MB 1024

enum config_key {
	CFG_NEXT = 1 << 0,
	CFG_CMDLINE = 1 << 1,
	CFG_INITRD = 1 << 2,
	CFG_CARVEOUT_MB = 1 << 3,
	CFG_LOG = 1 << 4,
	CFG_TEST_HOOKS = 1 << 5,
	CFG_INSTALL = 1 << 6,
	CFG_SMMU_NONCOHERENT = 1 << 7,
	CFG_ALLOW_DMA = 1 << 8,
	CFG_ALLOW_NO_IOMMU = 1 << 9,
	CFG_SMMU_MODE = 1 << 10,
	CFG_HOST_STAGE2 = 1 << 11,
};

/* smmu_mode=: not given, or what was asked. */
enum config_smmu_mode {
	CONFIG_SMMU_MODE_DEFAULT = 0,
	CONFIG_SMMU_MODE_HIDDEN,
	CONFIG_SMMU_MODE_NESTED,
};

/*
 * Whether an SMMU with both stages runs nested when smmu_mode= is not given
 * (issue 14: yes; an SMMU without both stays hidden). The suites that test
 * hidden mode ask for it with smmu_mode=hidden (Makefile); 0 makes hidden
 * the default again.
 */
#ifndef CONFIG_SMMU_NESTED_DEFAULT
#define CONFIG_SMMU_NESTED_DEFAULT 1
#endif

struct isohyp_config {
	char next[CONFIG_PATH_MAX];
	char cmdline[CONFIG_CMDLINE_MAX];
	char initrd[CONFIG_PATH_MAX];
	unsigned int carveout_mb;
	int log_level; /* 0 error .. 3 debug, as CONFIG_LOG_LEVEL */
	unsigned int test_hooks; /* 0 or 1 */
	unsigned int install; /* 1 (default) or 0 */
	unsigned int smmu_noncoherent; /* 0 (default) or 1 */
	char allow_dma[CONFIG_ALLOW_DMA_MAX]; /* "" (default): no exceptions */
	unsigned int allow_no_iommu; /* 0 (default) or 1 */
	enum config_smmu_mode smmu_mode;
	unsigned int host_s2_map; /* enum boot_host_s2_map: 0 auto (default) */
	unsigned int set; /* enum config_key bits given by any source */
};

void config_init_defaults(struct isohyp_config *cfg, unsigned int carveout_mb, int log_level);

/*
 * Parse @len bytes of @text (an isohyp.conf) into @cfg. Returns 0, or -EINVAL
 * with a message naming @source and the line in @err; on error @cfg is left
 * exactly as it was.
 */
int config_parse(struct isohyp_config *cfg, const char *text, size_t len, const char *source,
		 char *err, size_t err_len);

/* The same for load options (';'-separated, leading image name skipped). */
int config_parse_load_options(struct isohyp_config *cfg, const char *text, size_t len,
			      const char *source, char *err, size_t err_len);

/*
 * Unless @honoured (a build with CONFIG_TEST_KEYS), put the test-only keys
 * back to their defaults (test_hooks=0, install=1). Returns the enum
 * config_key bits of those that asked for something else and were ignored,
 * for the caller to warn about; 0 when @honoured.
 */
unsigned int config_drop_test_keys(struct isohyp_config *cfg, bool honoured);

/* IDR0 (IHI 0070 6.3.1): stage-1 and stage-2 translation implemented. */
#define CONFIG_IDR0_S2P (1u << 0)
#define CONFIG_IDR0_S1P (1u << 1)

/*
 * The mode (enum boot_smmu_mode: 0 hidden, 1 nested) of an SMMU whose IDR0
 * is @idr0 under @cfg's smmu_mode=, with @nested_default the default for
 * an SMMU that has both stages (CONFIG_SMMU_NESTED_DEFAULT). -EOPNOTSUPP,
 * with a message in @err, when nested was asked of an SMMU without both.
 */
int config_smmu_mode(const struct isohyp_config *cfg, unsigned int idr0, bool nested_default,
		     char *err, size_t err_len);

#endif /* ISOHYP_EFI_CONFIG_H */
