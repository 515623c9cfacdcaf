# The picosign scratch image: the static binary and nothing else. Build the binary first:
#   make static && docker build -t picosign .
# or, for steps that only verify (a deploy gate), the verify-only build, within 600 KB:
#   make static-verify && docker build --build-arg PICOSIGN_BINARY=picosign-verify-static \
#       -t picosign:verify .
# It carries Debian's CA roots (used when the container has no /etc/ssl/certs and neither
# SSL_CERT_FILE nor SSL_CERT_DIR is set) and the public-good Sigstore trusted root.
# `make image-rootfs` writes the same root filesystem as a tarball (with STATIC_VERIFY_ONLY=1
# STATIC_DIR=build/static-verify, the verify-only one).
ARG PICOSIGN_BINARY=picosign-static
FROM scratch
ARG PICOSIGN_BINARY
COPY ${PICOSIGN_BINARY} /picosign
ENTRYPOINT ["/picosign"]
