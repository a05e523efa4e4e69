# Finds the four system libraries scanwarden builds on. A missing one stops
# configuration with the package to install on Debian and on Amazon Linux 2023,
# because "could not find libcurl" alone sends a newcomer searching.
find_package(PkgConfig)

function(sw_require_pkg var module debian_pkg al2023_pkg)
  if(NOT PKG_CONFIG_FOUND)
    message(FATAL_ERROR "pkg-config is missing. Install it: Debian `apt-get install pkg-config`, "
                        "Amazon Linux 2023 `dnf install pkgconf-pkg-config`.")
  endif()
  pkg_check_modules(${var} IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} was not found. Install it: Debian `apt-get install ${debian_pkg}`, "
                        "Amazon Linux 2023 `dnf install ${al2023_pkg}`.")
  endif()
endfunction()

# SW_DEPS_PREFIX points at a prefix with lean static builds of libcurl and
# cJSON (scripts/build-deps.sh); without it the system's shared libraries are used.
set(SW_DEPS_PREFIX "" CACHE PATH "Prefix holding static lean libcurl/cJSON (scripts/build-deps.sh)")
if(SW_DEPS_PREFIX)
  list(PREPEND CMAKE_PREFIX_PATH ${SW_DEPS_PREFIX})
  set(ENV{PKG_CONFIG_PATH} "${SW_DEPS_PREFIX}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
endif()

sw_require_pkg(SW_CURL libcurl libcurl4-openssl-dev libcurl-devel)
sw_require_pkg(SW_CRYPTO libcrypto libssl-dev openssl-devel)
sw_require_pkg(SW_CJSON libcjson libcjson-dev cjson-devel)
if(SW_BUILD_TESTS)
  sw_require_pkg(SW_CMOCKA cmocka libcmocka-dev libcmocka-devel)
endif()
