# SPDX-License-Identifier: Apache-2.0
# Cross-building for another Debian architecture on a Debian machine, with Debian's own cross
# toolchain (crossbuild-essential-ARCH) and its multiarch libraries (libcjson-dev:ARCH, ...):
#
#   cmake -S . -B build-arm64 --toolchain config/packaging/debian-cross.cmake -DIOTNTP_CROSS_ARCH=arm64
#
# IOTNTP_CROSS_ARCH is a Debian architecture name (arm64, armhf, ...); dpkg-architecture gives
# its GNU triplet, which names the compiler and the multiarch directories. Headers and libraries
# come from /usr/include and /usr/lib/<triplet>, where dpkg puts them.
#
# The built programs run under qemu-user (Debian's qemu-user-static), through CMake's
# CMAKE_CROSSCOMPILING_EMULATOR, so `ctest` runs the unit tests here. qemu looks for the
# dynamic loader and the libraries first under IOTNTP_QEMU_SYSROOT (its -L): by default /, where
# the multiarch packages are installed; tests/cross/run unpacks Debian's packages into a
# sysroot of its own.

set(IOTNTP_CROSS_ARCH "" CACHE STRING "Debian architecture to build for (arm64, armhf, ...)")
set(IOTNTP_QEMU_SYSROOT "/" CACHE PATH "Where qemu-user looks for the target's libraries (-L)")
# try_compile reads this file again in its own project: it needs the same values.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES IOTNTP_CROSS_ARCH IOTNTP_QEMU_SYSROOT)

if(NOT IOTNTP_CROSS_ARCH)
  message(FATAL_ERROR "config/packaging/debian-cross.cmake: name the architecture: -DIOTNTP_CROSS_ARCH=arm64")
endif()

function(iotntp_dpkg_arch_var var out)
  execute_process(
    COMMAND dpkg-architecture -a${IOTNTP_CROSS_ARCH} -q${var}
    OUTPUT_VARIABLE value
    OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_QUIET
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR value STREQUAL "")
    message(FATAL_ERROR "dpkg-architecture does not know '${IOTNTP_CROSS_ARCH}' (package dpkg-dev)")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()
iotntp_dpkg_arch_var(DEB_HOST_GNU_TYPE IOTNTP_CROSS_TRIPLET)
iotntp_dpkg_arch_var(DEB_HOST_MULTIARCH IOTNTP_CROSS_MULTIARCH)
iotntp_dpkg_arch_var(DEB_HOST_GNU_CPU IOTNTP_CROSS_CPU)

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${IOTNTP_CROSS_CPU})
set(CMAKE_C_COMPILER ${IOTNTP_CROSS_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${IOTNTP_CROSS_MULTIARCH})
# The Debian package's Architecture field (config/packaging/CMakeLists.txt).
set(IOTNTP_DEB_ARCH ${IOTNTP_CROSS_ARCH})
# GNUInstallDirs gives Debian's multiarch library directory only when not cross-building.
set(CMAKE_INSTALL_LIBDIR lib/${IOTNTP_CROSS_MULTIARCH} CACHE PATH
  "Object code libraries (lib/<multiarch>, as Debian's own packages)")

# With CMAKE_LIBRARY_ARCHITECTURE set, find_library looks in /usr/lib/<triplet>; pkg-config
# must read the target's .pc files alone, never this machine's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${IOTNTP_CROSS_MULTIARCH}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

find_program(IOTNTP_QEMU qemu-${IOTNTP_CROSS_CPU}-static)
if(IOTNTP_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${IOTNTP_QEMU} -L ${IOTNTP_QEMU_SYSROOT})
endif()
