// SPDX-License-Identifier: GPL-2.0-only
/*
 * The loader's configuration parser; the syntax is in config.h. All-or-
 * nothing: a source is parsed into a copy, which replaces the caller's
 * configuration only when every line of the source was good.
 */
#include <string.h>

#include <isohyp/boot_info.h>
#include <isohyp/errno.h>
#include <isohyp/printf.h>

#include "config.h"

struct cursor {
	const char *source;
	unsigned int line;
	unsigned int seen; /* keys given in this source */
	char *err;
	size_t err_len;
};

static const char *const log_names[] = { "error", "warn", "info", "debug" };

void config_init_defaults(struct isohyp_config *cfg, unsigned int carveout_mb, int log_level)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->carveout_mb = carveout_mb;
	cfg->log_level = log_level;
	cfg->install = 1;
}

static int fail(struct cursor *c, const char *what, const char *key, size_t key_len)
{
	hyp_snprintf(c->err, c->err_len, "%s line %u: %s '%.*s'", c->source, c->line, what,
		     (int)key_len, key);
	return -EINVAL;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_blank(**s))
		(*s)++, (*len)--;
	while (*len && is_blank((*s)[*len - 1]))
		(*len)--;
}

static bool key_is(const char *key, size_t len, const char *name)
{
	return strlen(name) == len && !memcmp(key, name, len);
}

static int set_string(struct cursor *c, char *dst, size_t max, const char *key, size_t key_len,
		      const char *val, size_t len)
{
	if (len >= max)
		return fail(c, "value too long for", key, key_len);
	memcpy(dst, val, len);
	dst[len] = '\0';
	return 0;
}

/* Decimal only, no sign, no trailing junk, within the Kconfig range. */
static int set_carveout(struct cursor *c, struct isohyp_config *cfg, const char *val, size_t len)
{
	unsigned long v = 0;
	size_t i;

	if (!len)
		return fail(c, "empty value for", "carveout_mb", 11);
	for (i = 0; i < len; i++) {
		if (val[i] < '0' || val[i] > '9')
			return fail(c, "not a decimal number of MiB:", val, len);
		v = v * 10 + (val[i] - '0');
		if (v > CONFIG_CARVEOUT_MAX_MB)
			return fail(c, "carve-out size out of range (2..1024 MiB):", val, len);
	}
	if (v < CONFIG_CARVEOUT_MIN_MB)
		return fail(c, "carve-out size out of range (2..1024 MiB):", val, len);
	cfg->carveout_mb = v;
	return 0;
}

static int set_log(struct cursor *c, struct isohyp_config *cfg, const char *val, size_t len)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (key_is(val, len, log_names[i])) {
			cfg->log_level = i;
			return 0;
		}
	}
	return fail(c, "log level must be error|warn|info|debug, not", val, len);
}

/* A 0|1 switch named @key into *@dst. */
static int set_bool(struct cursor *c, unsigned int *dst, const char *key, const char *val,
		    size_t len)
{
	char what[40];

	if (len != 1 || (val[0] != '0' && val[0] != '1')) {
		hyp_snprintf(what, sizeof(what), "%s must be 0 or 1, not", key);
		return fail(c, what, val, len);
	}
	*dst = val[0] == '1';
	return 0;
}

/*
 * allow_dma=: compatibles separated by commas. A compatible is printable
 * and has no blanks, and no item may be empty: "a,,b" or a trailing comma
 * is a typo that would otherwise keep nothing, silently.
 */
static int set_allow_dma(struct cursor *c, struct isohyp_config *cfg, const char *val,
			 size_t len)
{
	size_t i;

	if (!len)
		return fail(c, "empty value for", "allow_dma", 9);
	for (i = 0; i < len; i++) {
		if (val[i] <= ' ' || val[i] > '~')
			return fail(c, "allow_dma takes compatibles without blanks, not", val, len);
		if (val[i] == ',' && (i == 0 || i == len - 1 || val[i + 1] == ','))
			return fail(c, "empty compatible in allow_dma:", val, len);
	}
	return set_string(c, cfg->allow_dma, sizeof(cfg->allow_dma), "allow_dma", 9, val, len);
}

static int set_smmu_mode(struct cursor *c, struct isohyp_config *cfg, const char *val,
			 size_t len)
{
	if (key_is(val, len, "nested"))
		cfg->smmu_mode = CONFIG_SMMU_MODE_NESTED;
	else if (key_is(val, len, "hidden"))
		cfg->smmu_mode = CONFIG_SMMU_MODE_HIDDEN;
	else
		return fail(c, "smmu_mode must be nested|hidden, not", val, len);
	return 0;
}

static int set_host_stage2(struct cursor *c, struct isohyp_config *cfg, const char *val, size_t len)
{
	if (key_is(val, len, "auto"))
		cfg->host_s2_map = BOOT_HOST_S2_AUTO;
	else if (key_is(val, len, "blocks"))
		cfg->host_s2_map = BOOT_HOST_S2_BLOCKS;
	else if (key_is(val, len, "pages"))
		cfg->host_s2_map = BOOT_HOST_S2_PAGES;
	else
		return fail(c, "host_stage2 must be auto|blocks|pages, not", val, len);
	return 0;
}

static int parse_item(struct cursor *c, struct isohyp_config *cfg, const char *s, size_t len)
{
	const char *eq, *key = s, *val;
	size_t key_len, val_len;
	unsigned int bit;
	int ret;

	trim(&key, &len);
	if (!len || key[0] == '#')
		return 0;
	eq = memchr(key, '=', len);
	if (!eq)
		return fail(c, "expected key=value, got", key, len);
	key_len = eq - key;
	val = eq + 1;
	val_len = len - key_len - 1;
	trim(&key, &key_len);
	trim(&val, &val_len);
	if (!key_len)
		return fail(c, "missing key before '=' in", s, len);

	if (key_is(key, key_len, "next"))
		bit = CFG_NEXT;
	else if (key_is(key, key_len, "cmdline"))
		bit = CFG_CMDLINE;
	else if (key_is(key, key_len, "initrd"))
		bit = CFG_INITRD;
	else if (key_is(key, key_len, "carveout_mb"))
		bit = CFG_CARVEOUT_MB;
	else if (key_is(key, key_len, "log"))
		bit = CFG_LOG;
	else if (key_is(key, key_len, "test_hooks"))
		bit = CFG_TEST_HOOKS;
	else if (key_is(key, key_len, "install"))
		bit = CFG_INSTALL;
	else if (key_is(key, key_len, "smmu_noncoherent"))
		bit = CFG_SMMU_NONCOHERENT;
	else if (key_is(key, key_len, "allow_dma"))
		bit = CFG_ALLOW_DMA;
	else if (key_is(key, key_len, "allow_no_iommu"))
		bit = CFG_ALLOW_NO_IOMMU;
	else if (key_is(key, key_len, "smmu_mode"))
		bit = CFG_SMMU_MODE;
	else if (key_is(key, key_len, "host_stage2"))
		bit = CFG_HOST_STAGE2;
	else
		return fail(c, "unknown key", key, key_len);
	if (c->seen & bit)
		return fail(c, "duplicate key", key, key_len);

	switch (bit) {
	case CFG_NEXT:
		ret = set_string(c, cfg->next, sizeof(cfg->next), key, key_len, val, val_len);
		break;
	case CFG_CMDLINE:
		ret = set_string(c, cfg->cmdline, sizeof(cfg->cmdline), key, key_len, val, val_len);
		break;
	case CFG_INITRD:
		ret = set_string(c, cfg->initrd, sizeof(cfg->initrd), key, key_len, val, val_len);
		break;
	case CFG_CARVEOUT_MB:
		ret = set_carveout(c, cfg, val, val_len);
		break;
	case CFG_TEST_HOOKS:
		ret = set_bool(c, &cfg->test_hooks, "test_hooks", val, val_len);
		break;
	case CFG_INSTALL:
		ret = set_bool(c, &cfg->install, "install", val, val_len);
		break;
	case CFG_SMMU_NONCOHERENT:
		ret = set_bool(c, &cfg->smmu_noncoherent, "smmu_noncoherent", val, val_len);
		break;
	case CFG_ALLOW_DMA:
		ret = set_allow_dma(c, cfg, val, val_len);
		break;
	case CFG_ALLOW_NO_IOMMU:
		ret = set_bool(c, &cfg->allow_no_iommu, "allow_no_iommu", val, val_len);
		break;
	case CFG_SMMU_MODE:
		ret = set_smmu_mode(c, cfg, val, val_len);
		break;
	case CFG_HOST_STAGE2:
		ret = set_host_stage2(c, cfg, val, val_len);
		break;
	default:
		ret = set_log(c, cfg, val, val_len);
		break;
	}
	if (ret)
		return ret;
	c->seen |= bit;
	cfg->set |= bit;
	return 0;
}

static int parse(struct isohyp_config *cfg, const char *text, size_t len, struct cursor *c,
		 const char *separators)
{
	struct isohyp_config tmp = *cfg;
	size_t i = 0;
	int ret;

	if (memchr(text, '\0', len))
		return fail(c, "NUL byte in", c->source, strlen(c->source));
	while (i < len) {
		size_t end = i;

		while (end < len && !strchr(separators, text[end]))
			end++;
		c->line++;
		ret = parse_item(c, &tmp, text + i, end - i);
		if (ret)
			return ret;
		i = end + 1;
	}
	*cfg = tmp;
	return 0;
}

int config_parse(struct isohyp_config *cfg, const char *text, size_t len, const char *source,
		 char *err, size_t err_len)
{
	struct cursor c = { source, 0, 0, err, err_len };

	return parse(cfg, text, len, &c, "\n");
}

int config_parse_load_options(struct isohyp_config *cfg, const char *text, size_t len,
			      const char *source, char *err, size_t err_len)
{
	struct cursor c = { source, 0, 0, err, err_len };
	size_t i = 0, word;

	/* Skip a leading image name: the first word, when it has no '='. */
	while (i < len && is_blank(text[i]))
		i++;
	for (word = i; word < len && !is_blank(text[word]) && text[word] != ';'; word++)
		if (text[word] == '=')
			break;
	if (word == len || (word > i && text[word] != '='))
		i = word;
	return parse(cfg, text + i, len - i, &c, ";\n");
}

/*
 * test_hooks=1 lets the host stop the machine and learn where the
 * hypervisor keeps its SMMU structures; install=0 starts the next stage
 * with nothing protected (ARCHITECTURE.md section 10). Either in the
 * isohyp.conf of a machine that matters -- or in load options someone else
 * could set -- would undo the protection, so only a test build honours
 * them. A key given with its default value asks for nothing: not reported.
 */
unsigned int config_drop_test_keys(struct isohyp_config *cfg, bool honoured)
{
	unsigned int ignored = 0;

	if (honoured)
		return 0;
	if (cfg->test_hooks) {
		cfg->test_hooks = 0;
		ignored |= CFG_TEST_HOOKS;
	}
	if (!cfg->install) {
		cfg->install = 1;
		ignored |= CFG_INSTALL;
	}
	return ignored;
}

int config_smmu_mode(const struct isohyp_config *cfg, unsigned int idr0, bool nested_default,
		     char *err, size_t err_len)
{
	bool both = (idr0 & (CONFIG_IDR0_S1P | CONFIG_IDR0_S2P)) ==
		    (CONFIG_IDR0_S1P | CONFIG_IDR0_S2P);

	switch (cfg->smmu_mode) {
	case CONFIG_SMMU_MODE_HIDDEN:
		return 0;
	case CONFIG_SMMU_MODE_NESTED:
		if (both)
			return 1;
		hyp_snprintf(err, err_len,
			     "smmu_mode=nested needs stage-1 and stage-2 translation; this SMMU "
			     "has %s (IDR0 %x)",
			     idr0 & CONFIG_IDR0_S1P ? "stage 1 only" :
			     idr0 & CONFIG_IDR0_S2P ? "stage 2 only" : "neither", idr0);
		return -EOPNOTSUPP;
	default:
		return both && nested_default;
	}
}
