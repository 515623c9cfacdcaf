# The picosign scratch image: the static binary and nothing else. Build the binary first:
#   make static && docker build -t picosign .
# It carries Debian's CA roots (used when the container has no /etc/ssl/certs and neither
# SSL_CERT_FILE nor SSL_CERT_DIR is set) and the public-good Sigstore trusted root.
# `make image-rootfs` writes the same root filesystem as a tarball.
FROM scratch
COPY picosign-static /picosign
ENTRYPOINT ["/picosign"]
