// SPDX-License-Identifier: GPL-2.0-only
/*
 * The loader's configuration parser (arch/arm64/efi/config.c): every key,
 * the comment/blank/CRLF/whitespace rules, load options overriding the file,
 * and each malformed input rejected with a message that names the line --
 * leaving the configuration exactly as it was -- and which test-only keys a
 * build without CONFIG_TEST_KEYS ignores.
 */
#include <string.h>

#include <isohyp/boot_info.h>
#include "harness.h"
#include "../../arch/arm64/efi/config.h"

FIXTURE(cfg)
{
	struct isohyp_config cfg, before;
	char err[160];
};

FIXTURE_VARIANT(cfg)
{
	int unused;
};

FIXTURE_SETUP(cfg)
{
	config_init_defaults(&self->cfg, 32, 2);
	strcpy(self->cfg.next, "old/next");
	self->before = self->cfg;
	memset(self->err, 0, sizeof(self->err));
}

FIXTURE_TEARDOWN(cfg)
{
}

static int parse(FIXTURE_DATA(cfg) *self, const char *text)
{
	return config_parse(&self->cfg, text, strlen(text), "isohyp.conf", self->err,
			    sizeof(self->err));
}

static int parse_opts(FIXTURE_DATA(cfg) *self, const char *text)
{
	return config_parse_load_options(&self->cfg, text, strlen(text), "load options", self->err,
					 sizeof(self->err));
}

/* Assert -EINVAL, an error naming @needle, and an unchanged configuration. */
#define EXPECT_REJECTED(call, needle)                                                    \
	do {                                                                             \
		EXPECT_EQ(-22, call);                                                    \
		EXPECT_NE_NULL(strstr(self->err, needle));                               \
		EXPECT_EQ(0, memcmp(&self->cfg, &self->before, sizeof(self->cfg)));      \
		if (_metadata->failed)                                                   \
			TH_LOG("error message: %s", self->err);                          \
	} while (0)

/* Every key is read; values keep inner spaces, '=' and '#'. */
TEST_F(cfg, all_keys)
{
	ASSERT_EQ(0, parse(self, "next=EFI/linux/Image\ncmdline=console=ttyAMA0 root=/dev/vda #1\n"
				 "initrd=\\initrd.img\ncarveout_mb=64\nlog=debug\n"));
	EXPECT_STREQ("EFI/linux/Image", self->cfg.next);
	EXPECT_STREQ("console=ttyAMA0 root=/dev/vda #1", self->cfg.cmdline);
	EXPECT_STREQ("\\initrd.img", self->cfg.initrd);
	EXPECT_EQ(64u, self->cfg.carveout_mb);
	EXPECT_EQ(3, self->cfg.log_level);
	EXPECT_EQ(0x1fu, self->cfg.set);
}

/* Comments, blank lines, CRLF and whitespace around keys and values are fine. */
TEST_F(cfg, comments_blanks_crlf_whitespace)
{
	ASSERT_EQ(0, parse(self, "# isohyp\r\n\r\n   \t\n  log =  warn \r\n#next=x\ncarveout_mb=\t8"));
	EXPECT_EQ(1, self->cfg.log_level);
	EXPECT_EQ(8u, self->cfg.carveout_mb);
	EXPECT_STREQ("old/next", self->cfg.next);
}

/* An empty file and an empty next= are valid: empty next means install and return. */
TEST_F(cfg, empty_next_means_install_and_return)
{
	ASSERT_EQ(0, parse(self, ""));
	ASSERT_EQ(0, parse(self, "next=\n"));
	EXPECT_STREQ("", self->cfg.next);
	EXPECT_TRUE(self->cfg.set & CFG_NEXT);
}

/* Load options override the file, ';'-separated, with spaces kept in values. */
TEST_F(cfg, load_options_override_file)
{
	ASSERT_EQ(0, parse(self, "next=a\ncmdline=x\nlog=info\n"));
	ASSERT_EQ(0, parse_opts(self, "next=b;cmdline=console=ttyAMA0 quiet; log=error"));
	EXPECT_STREQ("b", self->cfg.next);
	EXPECT_STREQ("console=ttyAMA0 quiet", self->cfg.cmdline);
	EXPECT_EQ(0, self->cfg.log_level);
}

/* The image name the UEFI shell puts first in the load options is skipped. */
TEST_F(cfg, load_options_skip_image_name)
{
	ASSERT_EQ(0, parse_opts(self, "FS0:\\EFI\\BOOT\\isohyp.efi next=\\vmlinuz;log=debug"));
	EXPECT_STREQ("\\vmlinuz", self->cfg.next);
	EXPECT_EQ(3, self->cfg.log_level);
	ASSERT_EQ(0, parse_opts(self, "isohyp.efi"));
	EXPECT_STREQ("\\vmlinuz", self->cfg.next);
}

/* The same key twice in one source is an error, but a later source may override. */
TEST_F(cfg, duplicate_key_rejected)
{
	EXPECT_REJECTED(parse(self, "log=info\nnext=a\nlog=warn\n"), "line 3: duplicate key 'log'");
}

/* A line without '=' is rejected, naming the line. */
TEST_F(cfg, line_without_equals_rejected)
{
	EXPECT_REJECTED(parse(self, "log=info\n\nnext\n"), "isohyp.conf line 3: expected key=value");
}

/* An empty key is rejected. */
TEST_F(cfg, empty_key_rejected)
{
	EXPECT_REJECTED(parse(self, "  =value\n"), "line 1: missing key");
}

/* Unknown keys are rejected by name. */
TEST_F(cfg, unknown_key_rejected)
{
	EXPECT_REJECTED(parse(self, "next=a\nkernel=b\n"), "line 2: unknown key 'kernel'");
	EXPECT_REJECTED(parse(self, "Next=a\n"), "unknown key 'Next'");
}

/* carveout_mb: decimal digits only, within 2..1024. */
TEST_F(cfg, carveout_malformed_rejected)
{
	EXPECT_REJECTED(parse(self, "carveout_mb=\n"), "line 1: empty value");
	EXPECT_REJECTED(parse(self, "carveout_mb=0x10\n"), "not a decimal");
	EXPECT_REJECTED(parse(self, "carveout_mb=-4\n"), "not a decimal");
	EXPECT_REJECTED(parse(self, "carveout_mb=16MB\n"), "not a decimal");
	EXPECT_REJECTED(parse(self, "carveout_mb=1\n"), "out of range");
	EXPECT_REJECTED(parse(self, "carveout_mb=1025\n"), "out of range");
	EXPECT_REJECTED(parse(self, "carveout_mb=99999999999999999999999\n"), "out of range");
}

/* The range's edges are accepted. */
TEST_F(cfg, carveout_range_edges)
{
	ASSERT_EQ(0, parse(self, "carveout_mb=2\n"));
	EXPECT_EQ(2u, self->cfg.carveout_mb);
	ASSERT_EQ(0, parse(self, "carveout_mb=1024\n"));
	EXPECT_EQ(1024u, self->cfg.carveout_mb);
}

/* log= takes only the four level names. */
TEST_F(cfg, log_level_malformed_rejected)
{
	EXPECT_REJECTED(parse(self, "log=verbose\n"), "line 1: log level");
	EXPECT_REJECTED(parse(self, "log=\n"), "log level");
	EXPECT_REJECTED(parse(self, "log=INFO\n"), "log level");
}

/* test_hooks= is 0 or 1, off by default. */
TEST_F(cfg, test_hooks_values)
{
	EXPECT_EQ(0u, self->cfg.test_hooks);
	EXPECT_REJECTED(parse(self, "test_hooks=yes\n"), "line 1: test_hooks must be 0 or 1");
	EXPECT_REJECTED(parse(self, "test_hooks=\n"), "test_hooks must be 0 or 1");
	EXPECT_REJECTED(parse(self, "test_hooks=10\n"), "test_hooks must be 0 or 1");
	ASSERT_EQ(0, parse(self, "test_hooks=1\n"));
	EXPECT_EQ(1u, self->cfg.test_hooks);
	ASSERT_EQ(0, parse(self, "test_hooks=0\n"));
	EXPECT_EQ(0u, self->cfg.test_hooks);
}

/* smmu_noncoherent= is 0 by default; 0 or 1, nothing else. */
TEST_F(cfg, smmu_noncoherent_values)
{
	EXPECT_EQ(0u, self->cfg.smmu_noncoherent);
	EXPECT_REJECTED(parse(self, "smmu_noncoherent=on\n"), "line 1: smmu_noncoherent must be 0 or 1");
	ASSERT_EQ(0, parse(self, "smmu_noncoherent=1\n"));
	EXPECT_EQ(1u, self->cfg.smmu_noncoherent);
}

/* allow_dma= is empty by default; it keeps a comma-separated list as given. */
TEST_F(cfg, allow_dma_list)
{
	EXPECT_STREQ("", self->cfg.allow_dma);
	ASSERT_EQ(0, parse(self, "allow_dma = virtio,mmio,arm,pl330,cfi-flash \n"));
	EXPECT_STREQ("virtio,mmio,arm,pl330,cfi-flash", self->cfg.allow_dma);
	EXPECT_TRUE(self->cfg.set & CFG_ALLOW_DMA);
	ASSERT_EQ(0, parse_opts(self, "allow_dma=foo"));
	EXPECT_STREQ("foo", self->cfg.allow_dma);
}

/* allow_dma= items are never empty and hold no blanks: a typo keeps nothing silently. */
TEST_F(cfg, allow_dma_malformed_rejected)
{
	EXPECT_REJECTED(parse(self, "allow_dma=\n"), "line 1: empty value for 'allow_dma'");
	EXPECT_REJECTED(parse(self, "allow_dma=a,,b\n"), "empty compatible in allow_dma: 'a,,b'");
	EXPECT_REJECTED(parse(self, "allow_dma=,a\n"), "empty compatible");
	EXPECT_REJECTED(parse(self, "allow_dma=a,\n"), "empty compatible");
	EXPECT_REJECTED(parse(self, "allow_dma=virtio,mmio arm,pl330\n"),
			"allow_dma takes compatibles without blanks");
}

/* allow_no_iommu= is 0 by default (no IOMMU: no install); 0 or 1, nothing else. */
TEST_F(cfg, allow_no_iommu_values)
{
	EXPECT_EQ(0u, self->cfg.allow_no_iommu);
	EXPECT_REJECTED(parse(self, "allow_no_iommu=yes\n"), "line 1: allow_no_iommu must be 0 or 1");
	ASSERT_EQ(0, parse(self, "allow_no_iommu=1\n"));
	EXPECT_EQ(1u, self->cfg.allow_no_iommu);
	EXPECT_TRUE(self->cfg.set & CFG_ALLOW_NO_IOMMU);
}

/* smmu_mode= is not given by default; nested or hidden, nothing else. */
TEST_F(cfg, smmu_mode_values)
{
	EXPECT_EQ(CONFIG_SMMU_MODE_DEFAULT, self->cfg.smmu_mode);
	EXPECT_REJECTED(parse(self, "smmu_mode=stage1\n"),
			"line 1: smmu_mode must be nested|hidden, not 'stage1'");
	EXPECT_REJECTED(parse(self, "smmu_mode=\n"), "smmu_mode must be nested|hidden");
	EXPECT_REJECTED(parse(self, "smmu_mode=Nested\n"), "smmu_mode must be nested|hidden");
	ASSERT_EQ(0, parse(self, "smmu_mode= nested \n"));
	EXPECT_EQ(CONFIG_SMMU_MODE_NESTED, self->cfg.smmu_mode);
	EXPECT_TRUE(self->cfg.set & CFG_SMMU_MODE);
	ASSERT_EQ(0, parse_opts(self, "smmu_mode=hidden"));
	EXPECT_EQ(CONFIG_SMMU_MODE_HIDDEN, self->cfg.smmu_mode);
}

/* host_stage2= is auto by default; auto, blocks or pages, nothing else; a bad value changes nothing. */
TEST_F(cfg, host_stage2_values)
{
	EXPECT_EQ((unsigned int)BOOT_HOST_S2_AUTO, self->cfg.host_s2_map);
	EXPECT_REJECTED(parse(self, "host_stage2=4k\n"),
			"line 1: host_stage2 must be auto|blocks|pages, not '4k'");
	EXPECT_REJECTED(parse(self, "host_stage2=\n"), "host_stage2 must be auto|blocks|pages");
	EXPECT_REJECTED(parse(self, "host_stage2=Pages\n"),
			"host_stage2 must be auto|blocks|pages");
	EXPECT_EQ((unsigned int)BOOT_HOST_S2_AUTO, self->cfg.host_s2_map);
	EXPECT_FALSE(self->cfg.set & CFG_HOST_STAGE2);
	ASSERT_EQ(0, parse(self, "host_stage2= pages \n"));
	EXPECT_EQ((unsigned int)BOOT_HOST_S2_PAGES, self->cfg.host_s2_map);
	EXPECT_TRUE(self->cfg.set & CFG_HOST_STAGE2);
	ASSERT_EQ(0, parse_opts(self, "host_stage2=blocks"));
	EXPECT_EQ((unsigned int)BOOT_HOST_S2_BLOCKS, self->cfg.host_s2_map);
	ASSERT_EQ(0, parse_opts(self, "host_stage2=auto"));
	EXPECT_EQ((unsigned int)BOOT_HOST_S2_AUTO, self->cfg.host_s2_map);
	self->before = self->cfg;
	EXPECT_REJECTED(parse(self, "host_stage2=pages\nhost_stage2=blocks\n"),
			"line 2: duplicate key 'host_stage2'");
}

#define S1P_S2P (CONFIG_IDR0_S1P | CONFIG_IDR0_S2P)

/* Without smmu_mode=: nested only on an SMMU with both stages, and only if that is the default. */
TEST_F(cfg, smmu_mode_default_follows_idr0)
{
	EXPECT_EQ(1, config_smmu_mode(&self->cfg, 0x0D44101B, true, self->err, sizeof(self->err)));
	EXPECT_EQ(0, config_smmu_mode(&self->cfg, 0x0D44101B, false, self->err, sizeof(self->err)));
	EXPECT_EQ(0, config_smmu_mode(&self->cfg, CONFIG_IDR0_S2P, true, self->err,
				      sizeof(self->err)));
	EXPECT_EQ(0, config_smmu_mode(&self->cfg, CONFIG_IDR0_S1P, true, self->err,
				      sizeof(self->err)));
	EXPECT_EQ(1, config_smmu_mode(&self->cfg, S1P_S2P, true, self->err, sizeof(self->err)));
}

/* smmu_mode=hidden always wins; smmu_mode=nested needs both stages, else a clear error. */
TEST_F(cfg, smmu_mode_explicit)
{
	ASSERT_EQ(0, parse(self, "smmu_mode=hidden\n"));
	EXPECT_EQ(0, config_smmu_mode(&self->cfg, S1P_S2P, true, self->err, sizeof(self->err)));
	ASSERT_EQ(0, parse_opts(self, "smmu_mode=nested"));
	EXPECT_EQ(1, config_smmu_mode(&self->cfg, S1P_S2P, false, self->err, sizeof(self->err)));
	EXPECT_EQ(-95, config_smmu_mode(&self->cfg, CONFIG_IDR0_S2P, true, self->err,
					 sizeof(self->err)));
	EXPECT_NE_NULL(strstr(self->err, "smmu_mode=nested needs stage-1 and stage-2"));
	EXPECT_NE_NULL(strstr(self->err, "stage 2 only (IDR0 1)"));
	EXPECT_EQ(-95, config_smmu_mode(&self->cfg, 0, true, self->err, sizeof(self->err)));
	EXPECT_NE_NULL(strstr(self->err, "has neither"));
}

/* install= is 1 by default; 0 (comparison runs) or 1, nothing else. */
TEST_F(cfg, install_values)
{
	EXPECT_EQ(1u, self->cfg.install);
	EXPECT_REJECTED(parse(self, "install=no\n"), "line 1: install must be 0 or 1");
	EXPECT_REJECTED(parse(self, "install=2\n"), "install must be 0 or 1");
	ASSERT_EQ(0, parse(self, "install=0\n"));
	EXPECT_EQ(0u, self->cfg.install);
}

/* A value longer than its buffer is rejected, not truncated. */
TEST_F(cfg, value_too_long_rejected)
{
	char text[1200];

	strcpy(text, "next=");
	memset(text + 5, 'a', CONFIG_PATH_MAX);
	text[5 + CONFIG_PATH_MAX] = '\0';
	EXPECT_REJECTED(parse(self, text), "value too long for 'next'");
	strcpy(text, "cmdline=");
	memset(text + 8, 'b', CONFIG_CMDLINE_MAX);
	text[8 + CONFIG_CMDLINE_MAX] = '\0';
	EXPECT_REJECTED(parse(self, text), "value too long for 'cmdline'");
	strcpy(text, "allow_dma=");
	memset(text + 10, 'd', CONFIG_ALLOW_DMA_MAX);
	text[10 + CONFIG_ALLOW_DMA_MAX] = '\0';
	EXPECT_REJECTED(parse(self, text), "value too long for 'allow_dma'");
}

/* The longest value that fits is accepted. */
TEST_F(cfg, longest_value_fits)
{
	char text[300];

	strcpy(text, "initrd=");
	memset(text + 7, 'c', CONFIG_PATH_MAX - 1);
	text[7 + CONFIG_PATH_MAX - 1] = '\0';
	ASSERT_EQ(0, parse(self, text));
	EXPECT_EQ((size_t)CONFIG_PATH_MAX - 1, strlen(self->cfg.initrd));
}

/* A NUL byte inside the file is rejected (binary junk, not a config). */
TEST_F(cfg, nul_byte_rejected)
{
	EXPECT_EQ(-22, config_parse(&self->cfg, "log=info\0x", 10, "isohyp.conf", self->err,
				    sizeof(self->err)));
	EXPECT_EQ(0, memcmp(&self->cfg, &self->before, sizeof(self->cfg)));
}

/* An error late in a file leaves earlier good lines unapplied (all or nothing). */
TEST_F(cfg, error_applies_nothing)
{
	EXPECT_REJECTED(parse(self, "next=new\nlog=debug\ncarveout_mb=7x\n"), "line 3");
	EXPECT_STREQ("old/next", self->cfg.next);
}

/* Malformed load options are errors naming their item, and change nothing. */
TEST_F(cfg, load_options_malformed_rejected)
{
	EXPECT_REJECTED(parse_opts(self, "next=a;bogus=1"), "load options line 2: unknown key 'bogus'");
	EXPECT_REJECTED(parse_opts(self, "isohyp.efi log=loud"), "log level");
}

/*
 * A build without CONFIG_TEST_KEYS ignores test_hooks=1 and install=0 (the
 * loader's decision, arch/arm64/efi/main.c apply_test_keys): both go back
 * to their defaults and are reported for the warning; nothing else changes.
 */
TEST_F(cfg, production_build_ignores_test_keys)
{
	struct isohyp_config want;

	ASSERT_EQ(0, parse(self, "test_hooks=1\ninstall=0\nlog=debug\nnext=payload.efi\n"));
	want = self->cfg;
	want.test_hooks = 0;
	want.install = 1;
	EXPECT_EQ((unsigned int)(CFG_TEST_HOOKS | CFG_INSTALL),
		  config_drop_test_keys(&self->cfg, false));
	EXPECT_EQ(0, memcmp(&want, &self->cfg, sizeof(want)));
	/* Asked again, there is nothing left to ignore. */
	EXPECT_EQ(0u, config_drop_test_keys(&self->cfg, false));
}

/* Each key alone, and from load options as from the file. */
TEST_F(cfg, production_build_ignores_each_test_key)
{
	ASSERT_EQ(0, parse_opts(self, "isohyp.efi test_hooks=1"));
	EXPECT_EQ((unsigned int)CFG_TEST_HOOKS, config_drop_test_keys(&self->cfg, false));
	EXPECT_EQ(0u, self->cfg.test_hooks);
	EXPECT_EQ(1u, self->cfg.install);

	ASSERT_EQ(0, parse(self, "install=0\n"));
	EXPECT_EQ((unsigned int)CFG_INSTALL, config_drop_test_keys(&self->cfg, false));
	EXPECT_EQ(0u, self->cfg.test_hooks);
	EXPECT_EQ(1u, self->cfg.install);
}

/* A test-only key given with its default value asks for nothing: not reported. */
TEST_F(cfg, test_keys_at_their_defaults_are_not_reported)
{
	ASSERT_EQ(0, parse(self, "test_hooks=0\ninstall=1\n"));
	EXPECT_EQ(0u, config_drop_test_keys(&self->cfg, false));
	EXPECT_EQ(0u, self->cfg.test_hooks);
	EXPECT_EQ(1u, self->cfg.install);
}

/* A test build (CONFIG_TEST_KEYS) honours both keys as given. */
TEST_F(cfg, test_build_honours_test_keys)
{
	ASSERT_EQ(0, parse(self, "test_hooks=1\ninstall=0\n"));
	EXPECT_EQ(0u, config_drop_test_keys(&self->cfg, true));
	EXPECT_EQ(1u, self->cfg.test_hooks);
	EXPECT_EQ(0u, self->cfg.install);
}

TEST_HARNESS_MAIN
