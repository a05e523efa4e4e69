# Cross build for Lambda's x86_64 on an arm64 Debian machine (Debian's
# gcc-x86-64-linux-gnu): scripts/build-artifact.sh passes it when SW_ARCH=x86_64.
# Libraries come only from SW_DEPS_PREFIX (its pkg-config files, cmake/Dependencies.cmake)
# and the cross glibc in /usr/x86_64-linux-gnu; nothing of the build machine's.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
