# What `sam build` runs for a function with `Metadata: BuildMethod: makefile`:
#   make build-ScanwardenFunction ARTIFACTS_DIR=<dir>
# leaves in <dir> the stripped, statically linked `bootstrap` for provided.al2023
# (scripts/build-artifact.sh; lean dependencies from scripts/build-deps.sh).
# Developers use CMake directly (docs/building.md); `make package` zips the
# artifact as PACKAGE_DIR/scanwarden-VERSION-ARCH.zip (scripts/package.sh).
ARTIFACTS_DIR ?= $(CURDIR)/dist/artifact
PACKAGE_DIR ?= $(CURDIR)/dist
# The CMake target packaged as `bootstrap` (e.g. SW_ARTIFACT_TARGET=echo).
SW_ARTIFACT_TARGET ?= bootstrap
export SW_ARTIFACT_TARGET

.PHONY: build-ScanwardenFunction artifact deps package

build-ScanwardenFunction:
	bash scripts/build-artifact.sh "$(ARTIFACTS_DIR)"

artifact: build-ScanwardenFunction

deps:
	bash scripts/build-deps.sh

package:
	bash scripts/package.sh "$(PACKAGE_DIR)"
