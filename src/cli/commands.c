/*
 * commands.c - the command table: one row per command, --help generated
 * from the row.  Handlers and their option lists live in cmd_<group>.c.
 */
#include <stddef.h>

#include "commands.h"

const struct command commands[] = {
	{ "init", "--node FQDN [--org O] [--ou OU] [--locality L] [--state ST] [--country C]",
	    "create the node's identities (tomcat, ipsec, CallManager, CAPF, TVS, "
	    "ITLRecovery) and fill the trust stores",
	    init_opts, 0, 0, cmd_init },

	{ "cert list", "own|trust [STORE] [--json]",
	    "list the node's certificates or the trust stores (show cert list)",
	    cert_list_opts, 1, 2, cmd_cert_list },
	{ "cert show", "PURPOSE [--pem] [--json]",
	    "show one identity certificate decoded",
	    cert_show_opts, 1, 1, cmd_cert_show },
	{ "cert generate", "PURPOSE [--cn CN] [--key TYPE] [--hash H] [--days N] [--san LIST] --yes",
	    "replace an identity with a new self-signed certificate",
	    cert_generate_opts, 1, 1, cmd_cert_generate },
	{ "cert csr", "PURPOSE [--cn CN] [--san LIST] [--key TYPE] [--hash H] [--out FILE]",
	    "make a certificate signing request (the key never leaves the home)",
	    cert_csr_opts, 1, 1, cmd_cert_csr },
	{ "cert upload", "PURPOSE FILE",
	    "install the CA-signed certificate for the pending CSR (PEM, DER, DER PKCS#7)",
	    cert_upload_opts, 2, 2, cmd_cert_upload },
	{ "cert export", "PURPOSE [--out FILE]",
	    "write an identity certificate as PEM (the ITLRecovery backup)",
	    cert_export_opts, 1, 1, cmd_cert_export },

	{ "trust add", "STORE FILE [--name NAME]",
	    "add CA or peer certificates to a trust store",
	    trust_add_opts, 2, 2, cmd_trust_add },
	{ "trust delete", "STORE NAME [--force]",
	    "delete a certificate from a trust store",
	    trust_delete_opts, 2, 2, cmd_trust_delete },
	{ "trust export", "STORE [--out FILE]",
	    "write a trust store as a PEM bundle (for ISE, ASA, Asterisk, Kamailio, FreeRADIUS)",
	    trust_export_opts, 1, 1, cmd_trust_export },
	{ "trust show", "STORE NAME [--pem] [--json]",
	    "show one trust certificate decoded",
	    cert_show_opts, 2, 2, cmd_trust_show },

	{ "itl build", "[--out FILE] [--digest sha1|sha512] [--version 1.0|1.1] [--sign-with tftp|itlrecovery]",
	    "build the cluster's ITLFile.tlv from the store",
	    itl_build_opts, 0, 0, cmd_itl_build },
	{ "itl show", "FILE [--json]",
	    "show any .tlv file in the CUCM show itl layout and verify it",
	    itl_show_opts, 1, 1, cmd_itl_show },
	{ "tlv build", "OUT.tlv --sast PEM [--ccm F] [--ccm-tftp F] [--tftp F] [--capf F] [--app-server F] [--tvs F] [--digest …] [--version …] [--filename NAME]",
	    "build an ITL/CTL from certificate files (the first --sast signs)",
	    tlv_build_opts, 1, 1, cmd_tlv_build },
	{ "ctl build", "[--out FILE] [--sast PEM] [--sign-with itlrecovery|sast] [--digest …] [--version …]",
	    "build CTLFile.tlv for mixed mode (at most two SAST records)",
	    ctl_build_opts, 0, 0, cmd_ctl_build },
	{ "sgn sign", "FILE [--signer PEM] [--digest sha1|sha512] [--filename NAME]",
	    "sign a file for phones: writes FILE.sgn",
	    sgn_sign_opts, 1, 1, cmd_sgn_sign },
	{ "sgn verify", "FILE.sgn [--itl ITLFile.tlv | --signer CERT]",
	    "verify a signed file as a phone does",
	    sgn_verify_opts, 1, 1, cmd_sgn_verify },
	{ "sgn strip", "FILE.sgn [--out FILE]",
	    "write the original bytes of a signed file",
	    sgn_strip_opts, 1, 1, cmd_sgn_strip },
	{ "cnf encrypt", "SEP<MAC>.cnf.xml [--device-cert PEM] [--signer PEM] [--digest …]",
	    "encrypt a phone configuration: writes .cnf.xml.enc.sgn and the signed stub .cnf.xml.sgn",
	    cnf_encrypt_opts, 1, 1, cmd_cnf_encrypt },
	{ "cnf decrypt", "FILE.enc.sgn --key PEM [--signer CERT] [--out FILE]",
	    "check and decrypt an encrypted configuration",
	    cnf_decrypt_opts, 1, 1, cmd_cnf_decrypt },
	{ "tftp publish", "[DIR]",
	    "write ITLFile.tlv (and CTLFile.tlv in mixed mode) into the TFTP root",
	    tftp_publish_opts, 0, 1, cmd_tftp_publish },

	{ NULL, NULL, NULL, NULL, 0, 0, NULL },
};
