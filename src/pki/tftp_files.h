/*
 * tftp_files.h - what the TFTP service answers for a file name.
 *
 * First the TFTP root (<home>/tftp: ITLFile.tlv, CTLFile.tlv, firmware);
 * then the administrator's configuration folder (<home>/config), whose
 * files are served as they are, signed (NAME.sgn, by the CallManager
 * identity, which holds the TFTP role of the ITL) or, for a device set to
 * encrypted configuration, encrypted to its LSC else its MIC
 * (SEP<MAC>.cnf.xml.enc.sgn, with the signed stub as SEP<MAC>.cnf.xml.sgn).
 * A phone's own SEP<MAC>.cnf.xml gets its security fields from the
 * device record first (phone_config.h).
 *
 * What is generated is kept in a bounded cache keyed by the source file
 * (device, inode, size, mtime), the signer's SHA-256, the device's
 * certificate SHA-256 and its settings: a new LSC, a new signer or an
 * edited file is a new key, so nothing stale is served.
 *
 * Not thread-safe: one thread (the TFTP service's) owns a tftp_files.
 */
#ifndef UCPKI_TFTP_FILES_H
#define UCPKI_TFTP_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

/* Files up to this size are served from memory (and hashed). */
#define TFTP_BLOB_MAX		(8u * 1024 * 1024)
#define TFTP_CACHE_MAX_BYTES	(64u * 1024 * 1024)

struct tftp_blob {
	int		 refs;
	uint8_t		*data;
	size_t		 len;
	char		 sha256[65];
};

void	tftp_blob_release(struct tftp_blob *b);

enum tftp_kind { TFTP_KIND_OTHER, TFTP_KIND_ITL, TFTP_KIND_CTL,
	TFTP_KIND_CONFIG };

const char *tftp_kind_name(int kind);	/* "other", "itl", "ctl", "config" */
/* The device a name is about (ITLSEP<MAC>.tlv, SEP<MAC>.cnf.xml.sgn...),
 * or "", and the kind of file. */
void	tftp_name_classify(const char *name, char device[64], int *kind);

struct tftp_files_config {
	const char	*root;		/* the TFTP root */
	const char	*config_dir;	/* the administrator's files */
	int		 capf_port;	/* capfList; 0: none */
	int		 tvs_port;	/* TVS list; 0: none */
};

struct tftp_served {
	struct tftp_blob	*blob;		/* in memory; or */
	int			 fd;		/* a large file (-1: none) */
	uint64_t		 size;
	char			 device[64];
	int			 kind;		/* enum tftp_kind */
	int			 refused;	/* -1 was a refusal, not a fault */
};

struct tftp_files *tftp_files_open(const struct tftp_files_config *c,
	    struct store *st, struct ucerr *err);
void	tftp_files_close(struct tftp_files *f);
/*
 * 1: *out holds the content (release it); 0: no such file; -1: refused
 * (out->refused: a name outside the root, a symbolic link) or failed (a
 * configuration that is not valid XML, no signer), with err set.
 */
int	tftp_files_get(struct tftp_files *f, const char *name,
	    struct tftp_served *out, struct ucerr *err);
void	tftp_served_release(struct tftp_served *s);

#endif
