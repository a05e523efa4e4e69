# What `sam build` runs for a function with `Metadata: BuildMethod: makefile`:
#   make build-ScanwardenFunction ARTIFACTS_DIR=<dir>
# leaves in <dir> the stripped, statically linked `bootstrap` for provided.al2023
# (scripts/build-artifact.sh; lean dependencies from scripts/build-deps.sh), built
# for the template's Architecture: SAM hands a Makefile no architecture, so the
# build reads it (sam build's --parameter-overrides, else samconfig.toml, else the
# template's Default; in a `--use-container` build, the container's) and fails when
# SW_ARCH or the binary disagrees with it (docs/building.md).
# Developers use CMake directly (docs/building.md). Other targets:
#   make artifact-x86_64 artifact-arm64   dist/artifact-ARCH/bootstrap (arm64 on x86_64:
#                                         Debian's gcc-aarch64-linux-gnu)
#   make package                          dist/scanwarden-VERSION-ARCH.zip (SW_ARCH,
#                                         default this machine's)
#   make release                          both zips and SHA256SUMS in dist/release,
#                                         reproducible (scripts/release.sh)
#   make deps deps-arm64                  the lean prefixes alone
ARTIFACTS_DIR ?= $(CURDIR)/dist/artifact
PACKAGE_DIR ?= $(CURDIR)/dist
RELEASE_DIR ?= $(CURDIR)/dist/release
# The CMake target packaged as `bootstrap` (e.g. SW_ARTIFACT_TARGET=echo).
SW_ARTIFACT_TARGET ?= bootstrap
export SW_ARTIFACT_TARGET

.PHONY: build-ScanwardenFunction artifact artifact-x86_64 artifact-arm64 deps deps-x86_64 \
	deps-arm64 package release

build-ScanwardenFunction:
	SW_SAM_BUILD=1 bash scripts/build-artifact.sh "$(ARTIFACTS_DIR)"

artifact: build-ScanwardenFunction

artifact-x86_64 artifact-arm64: artifact-%:
	SW_ARCH=$* bash scripts/build-artifact.sh "$(CURDIR)/dist/artifact-$*"

deps:
	bash scripts/build-deps.sh

deps-x86_64 deps-arm64: deps-%:
	SW_ARCH=$* bash scripts/build-artifact.sh --deps-only

package:
	bash scripts/package.sh "$(PACKAGE_DIR)"

release:
	bash scripts/release.sh "$(RELEASE_DIR)"
