# leakguard in a container: build with Swift, run on slim Debian with only libpcre2-8, libarchive and git.
#   docker build -t leakguard .
#   docker run --rm -v "$PWD:/src" leakguard scan /src
# The stages call the same scripts a machine without Docker uses (scripts/release-build,
# scripts/smoke-test); Tests/LeakguardCoreTests/InstallTests runs those and lints this file.

FROM swift:6.1-bookworm AS build
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcre2-dev libarchive-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY Package.swift ./
COPY Sources Sources
COPY scripts/release-build scripts/release-build
RUN scripts/release-build /out

FROM debian:12-slim
# Pinning Debian package versions breaks the build at every point release; the base image's tag
# pins the distribution instead.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcre2-8-0 libarchive13 libstdc++6 git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory '*'
COPY --from=build /out/leakguard /out/leakguard-validate /usr/local/bin/
COPY scripts/smoke-test /usr/local/libexec/leakguard-smoke-test
RUN /usr/local/libexec/leakguard-smoke-test /usr/local/bin/leakguard \
 && useradd --create-home --uid 10001 leakguard
USER 10001
WORKDIR /src
ENTRYPOINT ["leakguard"]
CMD ["scan", "/src"]
