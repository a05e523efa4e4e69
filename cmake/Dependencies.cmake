# Finds the four system libraries scanwarden builds on. A missing one stops
# configuration with the package to install on Debian and on Amazon Linux 2023,
# because "could not find libcurl" alone sends a newcomer searching.
find_package(PkgConfig)

function(sw_require_pkg var module debian_pkg al2023_pkg)
  if(NOT PKG_CONFIG_FOUND)
    message(FATAL_ERROR "pkg-config is missing. Install it: Debian `apt-get install pkg-config`, "
                        "Amazon Linux 2023 `dnf install pkgconf-pkg-config`.")
  endif()
  if(SW_DEPS_PREFIX AND module IN_LIST SW_DEPS_MODULES)
    sw_static_pkg(${var} ${module})
    return()
  endif()
  pkg_check_modules(${var} IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} was not found. Install it: Debian `apt-get install ${debian_pkg}`, "
                        "Amazon Linux 2023 `dnf install ${al2023_pkg}`.")
  endif()
endfunction()

# SW_DEPS_PREFIX points at a prefix with lean static builds of libcurl,
# OpenSSL and cJSON (scripts/build-deps.sh); without it the system's shared
# libraries are used. In that mode libcurl, libcrypto and libcjson come only
# from the prefix's pkg-config files, with their --static flags, and every
# library the prefix holds is linked by the full path of its .a, so nothing
# of the three is loaded at run time (glibc stays dynamic).
set(SW_DEPS_PREFIX "" CACHE PATH "Prefix holding static lean libcurl/OpenSSL/cJSON (scripts/build-deps.sh)")
set(SW_DEPS_MODULES libcurl libssl libcrypto libcjson)
if(SW_DEPS_PREFIX)
  get_filename_component(SW_DEPS_PREFIX "${SW_DEPS_PREFIX}" ABSOLUTE)
  if(NOT EXISTS "${SW_DEPS_PREFIX}/lib/pkgconfig/libcurl.pc")
    message(FATAL_ERROR "SW_DEPS_PREFIX=${SW_DEPS_PREFIX} holds no lean build: "
                        "run `scripts/build-deps.sh ${SW_DEPS_PREFIX}` first.")
  endif()
  find_package(Threads REQUIRED)
  # Keep only what the bootstrap calls from the static archives (built with
  # -ffunction-sections -fdata-sections).
  add_link_options(-Wl,--gc-sections -Wl,--as-needed)
endif()

# sw_static_pkg(var module): pkg-config --static from the prefix only, then an
# imported target PkgConfig::<var> linking the prefix's .a files by path.
function(sw_static_pkg var module)
  set(saved_libdir "$ENV{PKG_CONFIG_LIBDIR}")
  set(saved_path "$ENV{PKG_CONFIG_PATH}")
  set(ENV{PKG_CONFIG_LIBDIR} "${SW_DEPS_PREFIX}/lib/pkgconfig")
  set(ENV{PKG_CONFIG_PATH} "")
  # Query again on every configure: the prefix may have moved or been rebuilt.
  unset(__pkg_config_checked_${var} CACHE)
  pkg_check_modules(${var} QUIET ${module})
  # An empty PKG_CONFIG_LIBDIR would hide the system's .pc files: unset it.
  foreach(v LIBDIR PATH)
    string(TOLOWER "${v}" lv)
    if(saved_${lv} STREQUAL "")
      unset(ENV{PKG_CONFIG_${v}})
    else()
      set(ENV{PKG_CONFIG_${v}} "${saved_${lv}}")
    endif()
  endforeach()
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} is missing from SW_DEPS_PREFIX=${SW_DEPS_PREFIX}: "
                        "rerun `scripts/build-deps.sh ${SW_DEPS_PREFIX}`.")
  endif()
  set(libs "")
  foreach(name IN LISTS ${var}_STATIC_LIBRARIES)
    set(path "")
    foreach(dir IN LISTS ${var}_STATIC_LIBRARY_DIRS)
      if(NOT path AND EXISTS "${dir}/lib${name}.a")
        get_filename_component(path "${dir}/lib${name}.a" ABSOLUTE)
      endif()
    endforeach()
    if(path)
      list(APPEND libs "${path}")
    else()
      list(APPEND libs "${name}") # a system library (dl, m): stays dynamic
    endif()
  endforeach()
  list(APPEND libs Threads::Threads)
  add_library(PkgConfig::${var} INTERFACE IMPORTED GLOBAL)
  set_target_properties(PkgConfig::${var} PROPERTIES
    INTERFACE_LINK_LIBRARIES "${libs}"
    INTERFACE_INCLUDE_DIRECTORIES "${${var}_STATIC_INCLUDE_DIRS}"
    INTERFACE_COMPILE_OPTIONS "${${var}_STATIC_CFLAGS_OTHER}")
  message(STATUS "${module}: static from ${SW_DEPS_PREFIX}: ${libs}")
endfunction()

sw_require_pkg(SW_CURL libcurl libcurl4-openssl-dev libcurl-devel)
sw_require_pkg(SW_SSL libssl libssl-dev openssl-devel)
sw_require_pkg(SW_CRYPTO libcrypto libssl-dev openssl-devel)
sw_require_pkg(SW_CJSON libcjson libcjson-dev cjson-devel)
if(SW_BUILD_TESTS)
  sw_require_pkg(SW_CMOCKA cmocka libcmocka-dev libcmocka-devel)
endif()
