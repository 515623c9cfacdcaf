/* net: picosign's one door to sockets (layer 5): TCP with connect, read and write timeouts and
 * an overall deadline, and a BearSSL TLS 1.2 client (ECDHE + AEAD suites only, SNI, host-name
 * verification with br_x509_minimal). Everything above it talks to an sg_transport, so http,
 * the tests and the fuzzers can run over scripted transports instead.
 *
 * Trust anchors, first match wins: --ca-file (sg_net_opts.ca_file), SSL_CERT_FILE,
 * SSL_CERT_DIR (OpenSSL hashed names "xxxxxxxx.N"), /etc/ssl/certs/ca-certificates.crt, then
 * the anchors compiled in (`make static`: Debian's roots; `make EMBED_CA_BUNDLE=path`). Only
 * net.c and crypto.c include BearSSL. */
#ifndef SG_NET_H
#define SG_NET_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "base/err.h"

/* A byte stream. Implementations: TCP and TLS here, scripted ones in tests and fuzzers. */
typedef struct sg_transport sg_transport;
struct sg_transport {
	/* Read 1..cap bytes into buf. *got = 0 with SG_OK means the peer ended the stream
	 * cleanly (TCP FIN, or TLS close_notify). Errors: SG_ERR_NET_TIMEOUT, SG_ERR_NET_IO,
	 * SG_ERR_NET_CLOSED (TLS connection cut without close_notify), SG_ERR_TLS_*. */
	sg_err (*read)(sg_transport *t, uint8_t *buf, size_t cap, size_t *got, sg_diag *d);
	/* Write all `len` bytes (TLS: and flush the records). Same errors. */
	sg_err (*write)(sg_transport *t, const uint8_t *p, size_t len, sg_diag *d);
	/* 1 when an idle kept-alive connection still looks usable (the peer neither sent data
	 * nor closed it). May be NULL: then it is assumed usable. */
	int (*idle_ok)(sg_transport *t);
	/* Close and release; `t` must not be used afterwards. */
	void (*close)(sg_transport *t);
	/* Absolute deadline on the dialer's clock (now_ms), 0 for none. Set by the user of the
	 * transport before each request; no read or write waits beyond it. */
	uint64_t deadline_ms;
};

/* Network settings: timeouts, trust anchors and proxies, from flags and the environment. */
typedef struct sg_net_opts {
	unsigned connect_timeout_ms; /* per address tried */
	unsigned io_timeout_ms;      /* longest wait for any single read or write */
	unsigned deadline_ms;        /* a whole request, redirects included */
	const char *ca_file;         /* --ca-file; NULL when not given */
	const char *cert_file;       /* $SSL_CERT_FILE */
	const char *cert_dir;        /* $SSL_CERT_DIR */
	const char *https_proxy;     /* $https_proxy / $HTTPS_PROXY */
	const char *http_proxy;      /* $http_proxy / $HTTP_PROXY */
	const char *no_proxy;        /* $no_proxy / $NO_PROXY */
	/* --allow-insecure-registry: accept any server certificate (no chain, validity or name
	 * check; the handshake still uses the leaf's key). Never set by default. */
	int insecure_tls;
} sg_net_opts;

/* The offline switch (--offline): from this call on, every connection this process would
 * open, through any dialer sg_net_dialer_init made, fails before the name lookup and before
 * socket(2) with SG_ERR_NET_OFFLINE "not connecting to HOST: <why>". There is no way to turn
 * it back on: a command that promised to stay offline cannot be talked out of it later.
 * `why` is a constant, e.g. "--offline was given". */
void sg_net_forbid(const char *why);
/* 1 once sg_net_forbid was called. */
int sg_net_forbidden(void);

/* Defaults from limits.h, nothing from the environment. */
void sg_net_opts_default(sg_net_opts *o);
/* sg_net_opts_default, then the environment: PICOSIGN_TIMEOUT (seconds, see
 * sg_net_parse_timeout), SSL_CERT_FILE, SSL_CERT_DIR, and the proxy variables (lower case
 * first, as curl does). Strings point into the environment. SG_ERR_USAGE for a bad
 * PICOSIGN_TIMEOUT. */
SG_MUST_USE sg_err sg_net_opts_from_env(sg_net_opts *o, sg_diag *d);
/* Parse a timeout: a Go duration as cosign's --timeout takes it ("3m", "1m30s", "90s"; whole
 * seconds, 1 s..24 h) or a number of seconds ("30", "0.5": at most 3 decimals, 0.001..86400).
 * SG_ERR_USAGE with SG_NET_TIMEOUT_SYNTAX otherwise. */
#define SG_NET_TIMEOUT_SYNTAX \
	"\"%.32s\" is neither a Go duration (3m, 90s) from 1s to 24h nor a number of seconds " \
	"between 0.001 and 86400"
SG_MUST_USE sg_err sg_net_parse_timeout(const char *s, unsigned *ms, sg_diag *d);
/* Use `ms` as the request deadline; the connect and I/O timeouts are capped to it. */
void sg_net_opts_set_timeout(sg_net_opts *o, unsigned ms);

/* Opens connections. The real one is made by sg_net_dialer_init; tests supply their own. */
typedef struct sg_net_dialer sg_net_dialer;
struct sg_net_dialer {
	/* Connect to host:port (`host` NUL-terminated: a name or an IP literal without
	 * brackets), trying each address getaddrinfo returns, until `deadline` (now_ms clock).
	 * Errors: SG_ERR_NET_RESOLVE, SG_ERR_NET_CONNECT, SG_ERR_NET_TIMEOUT. */
	sg_err (*tcp)(sg_net_dialer *dl, const char *host, uint16_t port, uint64_t deadline,
		sg_transport **out, sg_diag *d);
	/* Run a TLS handshake over `inner` (a transport this dialer's tcp returned), with SNI
	 * and certificate name `host`. On success `*out` owns `inner`; on failure `inner` is
	 * closed. Errors: SG_ERR_TLS_UNKNOWN_CA, SG_ERR_TLS_EXPIRED, SG_ERR_TLS_NAME,
	 * SG_ERR_TLS_VERSION, SG_ERR_TLS_HANDSHAKE, SG_ERR_TLS_ALERT, SG_ERR_TLS_CA_FILE, and
	 * the transport's errors. */
	sg_err (*tls)(sg_net_dialer *dl, sg_transport *inner, const char *host,
		sg_transport **out, sg_diag *d);
	/* A monotonic clock in milliseconds. */
	uint64_t (*now_ms)(sg_net_dialer *dl);
	void *ctx;
};

/* The real dialer: sockets, poll(2) timeouts, BearSSL. Connection memory (about 40 KiB each,
 * mostly the BR_SSL_BUFSIZE_BIDI record buffer) and the trust anchors (loaded on the first TLS
 * connection) come from `arena`; a closed connection's memory is reused by the next one.
 * `o` must outlive the dialer. SG_ERR_LIMIT when the arena is full. */
SG_MUST_USE sg_err sg_net_dialer_init(sg_net_dialer *dl, const sg_net_opts *o, sg_arena *arena,
	sg_diag *d);

/* Load the trust anchors the opts select into the dialer now (normally done lazily) and
 * return their number and where they came from ("--ca-file x", "embedded"...). */
SG_MUST_USE sg_err sg_net_load_anchors(sg_net_dialer *dl, size_t *count, const char **source,
	sg_diag *d);

#endif
