/* commands.h - handlers and option lists of every command (see commands.c). */
#ifndef UCPKI_COMMANDS_H
#define UCPKI_COMMANDS_H

#include <time.h>

#include <openssl/x509.h>

#include "cli.h"

struct csr_row;

/* init */
extern const struct opt init_opts[];
int	cmd_init(struct cli *, const struct args *);

/* cert */
extern const struct opt cert_list_opts[], cert_show_opts[],
	cert_generate_opts[], cert_csr_opts[], cert_upload_opts[],
	cert_export_opts[];
int	cmd_cert_list(struct cli *, const struct args *);
int	cmd_cert_show(struct cli *, const struct args *);
int	cmd_cert_generate(struct cli *, const struct args *);
int	cmd_cert_csr(struct cli *, const struct args *);
int	cmd_cert_upload(struct cli *, const struct args *);
int	cmd_cert_export(struct cli *, const struct args *);
extern const struct opt cert_regenerate_opts[], monitor_opts[],
	monitor_config_opts[];
int	cmd_monitor(struct cli *, const struct args *);
extern const struct opt config_opts[];
int	cmd_config(struct cli *, const struct args *);
/* Runs the reset hook (or lists the devices) after a change that needs it. */
int	cli_reset_devices(struct cli *cli, const char *why, char (*names)[64],
	    size_t n);
/* Prints what a certificate replacement did, then resets its devices;
 * rc is the replacement's result (returned unless the reset fails). */
struct certmgr_outcome;
int	cli_report_outcome(struct cli *cli, const struct certmgr_outcome *o,
	    int rc);
extern const struct opt crl_add_opts[], crl_list_opts[];
int	cmd_crl_add(struct cli *, const struct args *);
int	cmd_crl_list(struct cli *, const struct args *);
int	cmd_monitor_config(struct cli *, const struct args *);
int	cmd_cert_regenerate(struct cli *, const struct args *);

/* audit */
extern const struct opt audit_opts[];
int	cmd_audit(struct cli *, const struct args *);

/* trust */
extern const struct opt trust_add_opts[], trust_delete_opts[],
	trust_export_opts[];
int	cmd_trust_add(struct cli *, const struct args *);
int	cmd_trust_delete(struct cli *, const struct args *);
int	cmd_trust_export(struct cli *, const struct args *);
int	cmd_trust_show(struct cli *, const struct args *);

/* itl, tlv, ctl, sgn, cnf, tftp */
extern const struct opt itl_build_opts[], itl_show_opts[], tlv_build_opts[],
	ctl_build_opts[], sgn_sign_opts[], sgn_verify_opts[], sgn_strip_opts[],
	cnf_encrypt_opts[], cnf_decrypt_opts[], tftp_publish_opts[];
int	cmd_itl_build(struct cli *, const struct args *);
int	cmd_itl_show(struct cli *, const struct args *);
int	cmd_tlv_build(struct cli *, const struct args *);
int	cmd_ctl_build(struct cli *, const struct args *);
int	cmd_sgn_sign(struct cli *, const struct args *);
int	cmd_sgn_verify(struct cli *, const struct args *);
int	cmd_sgn_strip(struct cli *, const struct args *);
int	cmd_cnf_encrypt(struct cli *, const struct args *);
int	cmd_cnf_decrypt(struct cli *, const struct args *);
int	cmd_tftp_publish(struct cli *, const struct args *);
extern const struct opt itl_reset_opts[];
int	cmd_itl_reset(struct cli *, const struct args *);

/* device, capf administration */
extern const struct opt device_add_opts[], device_set_opts[],
	device_show_opts[], device_list_opts[], device_remove_opts[],
	device_import_opts[], capf_report_opts[], capf_config_opts[],
	device_revoke_opts[], capf_revoke_opts[];
int	cmd_device_add(struct cli *, const struct args *);
int	cmd_device_set(struct cli *, const struct args *);
int	cmd_device_show(struct cli *, const struct args *);
int	cmd_device_list(struct cli *, const struct args *);
int	cmd_device_remove(struct cli *, const struct args *);
int	cmd_device_revoke(struct cli *, const struct args *);
int	cmd_device_import(struct cli *, const struct args *);
int	cmd_capf_report(struct cli *, const struct args *);
int	cmd_capf_config(struct cli *, const struct args *);
int	cmd_capf_revoke(struct cli *, const struct args *);
struct revoke_result;
/* What a revocation left to say: LSCs of an earlier CAPF (no CRL can list
 * them), then what the core rewrote after it. */
struct certmgr_revocation;
void	cli_revoke_report(struct cli *cli, const struct certmgr_revocation *v);
int	cli_device_deadline_warning(struct cli *cli, const time_t *deadline);

/* import */
extern const struct opt import_usecallmanager_opts[];
int	cmd_import_usecallmanager(struct cli *, const struct args *);

/* status */
extern const struct opt status_opts[];
int	cmd_status(struct cli *, const struct args *);

/* serve, phone */
extern const struct opt serve_opts[], phone_mfg_init_opts[], phone_make_opts[],
	phone_show_opts[], phone_capf_opts[], phone_lsc_opts[];
int	cmd_serve(struct cli *, const struct args *);
int	cmd_phone_mfg_init(struct cli *, const struct args *);
int	cmd_phone_make(struct cli *, const struct args *);
int	cmd_phone_show(struct cli *, const struct args *);
int	cmd_phone_capf(struct cli *, const struct args *);
int	cmd_phone_lsc(struct cli *, const struct args *);

/* admin */
extern const struct opt admin_token_add_opts[], admin_token_list_opts[],
	admin_token_remove_opts[];
int	cmd_admin_token_add(struct cli *, const struct args *);
int	cmd_admin_token_list(struct cli *, const struct args *);
int	cmd_admin_token_remove(struct cli *, const struct args *);
extern const struct opt admin_add_opts[], admin_list_opts[],
	admin_remove_opts[], admin_passwd_opts[];
int	cmd_admin_add(struct cli *, const struct args *);
int	cmd_admin_list(struct cli *, const struct args *);
int	cmd_admin_remove(struct cli *, const struct args *);
int	cmd_admin_passwd(struct cli *, const struct args *);

/* node */
extern const struct opt node_add_opts[], node_join_opts[], node_list_opts[],
	node_remove_opts[];
int	cmd_node_add(struct cli *, const struct args *);
int	cmd_node_join(struct cli *, const struct args *);
int	cmd_node_list(struct cli *, const struct args *);
int	cmd_node_remove(struct cli *, const struct args *);

/* store */
extern const struct opt store_migrate_opts[];
int	cmd_store_migrate(struct cli *, const struct args *);

/* tvs, phone trust */
extern const struct opt tvs_add_opts[], tvs_remove_opts[], tvs_list_opts[],
	tvs_query_opts[], phone_itl_opts[], phone_verify_config_opts[],
	phone_register_opts[];
int	cmd_tvs_add(struct cli *, const struct args *);
int	cmd_tvs_remove(struct cli *, const struct args *);
int	cmd_tvs_list(struct cli *, const struct args *);
int	cmd_tvs_query(struct cli *, const struct args *);
int	cmd_phone_itl(struct cli *, const struct args *);
int	cmd_phone_verify_config(struct cli *, const struct args *);
int	cmd_phone_register(struct cli *, const struct args *);

extern const struct opt phone_fetch_opts[];
int	cmd_phone_fetch(struct cli *, const struct args *);

extern const struct opt phone_swarm_opts[];
int	cmd_phone_swarm(struct cli *, const struct args *);

/* check, probe, pcap, diagnose */
extern const struct opt check_cert_opts[], check_csr_opts[],
	check_chain_opts[], check_trust_opts[];
int	cmd_check_cert(struct cli *, const struct args *);
int	cmd_check_csr(struct cli *, const struct args *);
int	cmd_check_chain(struct cli *, const struct args *);
int	cmd_check_trust(struct cli *, const struct args *);
extern const struct opt probe_opts[], pcap_opts[], diagnose_opts[];
int	cmd_pcap(struct cli *, const struct args *);
int	cmd_diagnose(struct cli *, const struct args *);
int	cmd_probe(struct cli *, const struct args *);
struct findings;
int	cli_report_findings(struct cli *cli, const struct args *a,
	    const char *subject, const struct findings *f);

/* Shared by the handlers. */
int	cli_show_cert(struct cli *cli, const struct args *a, X509 *cert,
	    const char *key, const char *value, const char *type);
/* What the core rewrote after a change (CAPF's CRL, the exports kept
 * current, the reload command), on stderr. */
struct export_refresh;
void	cli_exports_report(struct cli *cli, const struct export_refresh *r);

#endif
