# FindPCRE2.cmake — finds the 8-bit PCRE2 library (pcre2-8), used by the
# runtime's regex support (§14) and possibly by the compiler to check regex
# literals at compile time.
#
# Provides:
#   PCRE2_FOUND, PCRE2_INCLUDE_DIRS, PCRE2_LIBRARIES, PCRE2_VERSION
#   imported target PCRE2::PCRE2
#
# pkg-config (libpcre2-8.pc, from libpcre2-dev) is tried first for hints;
# plain find_path/find_library does the real work, so a machine without
# pkg-config still finds a system PCRE2.

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_PCRE2 QUIET libpcre2-8)
endif()

find_path(PCRE2_INCLUDE_DIR
  NAMES pcre2.h
  HINTS ${PC_PCRE2_INCLUDEDIR} ${PC_PCRE2_INCLUDE_DIRS})
find_library(PCRE2_LIBRARY
  NAMES pcre2-8 libpcre2-8
  HINTS ${PC_PCRE2_LIBDIR} ${PC_PCRE2_LIBRARY_DIRS})

if(PC_PCRE2_VERSION)
  set(PCRE2_VERSION "${PC_PCRE2_VERSION}")
elseif(PCRE2_INCLUDE_DIR AND EXISTS "${PCRE2_INCLUDE_DIR}/pcre2.h")
  file(STRINGS "${PCRE2_INCLUDE_DIR}/pcre2.h" _pcre2_major REGEX "^#define PCRE2_MAJOR[ \t]+[0-9]+")
  file(STRINGS "${PCRE2_INCLUDE_DIR}/pcre2.h" _pcre2_minor REGEX "^#define PCRE2_MINOR[ \t]+[0-9]+")
  string(REGEX REPLACE ".*[ \t]([0-9]+)$" "\\1" _pcre2_major "${_pcre2_major}")
  string(REGEX REPLACE ".*[ \t]([0-9]+)$" "\\1" _pcre2_minor "${_pcre2_minor}")
  set(PCRE2_VERSION "${_pcre2_major}.${_pcre2_minor}")
  unset(_pcre2_major)
  unset(_pcre2_minor)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PCRE2
  REQUIRED_VARS PCRE2_LIBRARY PCRE2_INCLUDE_DIR
  VERSION_VAR PCRE2_VERSION)
mark_as_advanced(PCRE2_INCLUDE_DIR PCRE2_LIBRARY)

if(PCRE2_FOUND)
  set(PCRE2_INCLUDE_DIRS "${PCRE2_INCLUDE_DIR}")
  set(PCRE2_LIBRARIES "${PCRE2_LIBRARY}")
  if(NOT TARGET PCRE2::PCRE2)
    add_library(PCRE2::PCRE2 UNKNOWN IMPORTED)
    set_target_properties(PCRE2::PCRE2 PROPERTIES
      IMPORTED_LOCATION "${PCRE2_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${PCRE2_INCLUDE_DIR}"
      # Every user of pcre2.h must pick the code unit width; guji uses UTF-8.
      INTERFACE_COMPILE_DEFINITIONS "PCRE2_CODE_UNIT_WIDTH=8")
  endif()
endif()
