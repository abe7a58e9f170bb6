# FindFFI.cmake — finds libffi (for guji's foreign calls, §19).
#
# Provides:
#   FFI_FOUND, FFI_INCLUDE_DIRS, FFI_LIBRARIES, FFI_VERSION
#   imported target FFI::FFI  (guji's name)
#   imported target FFI::ffi  (the name LLVM's own FindFFI.cmake defines)
#
# Note: LLVMConfig.cmake calls find_package(FFI) itself and only *appends*
# its directory to CMAKE_MODULE_PATH, so this module (earlier in the path)
# answers that call too. It therefore also sets what LLVM's module sets
# (FFI_INCLUDE_DIRS, FFI_LIBRARIES, HAVE_FFI_CALL, FFI_HEADER, HAVE_FFI_H)
# and defines FFI::ffi, so either caller is satisfied.

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_FFI QUIET libffi)
endif()

find_path(FFI_INCLUDE_DIR
  NAMES ffi.h
  HINTS ${PC_FFI_INCLUDEDIR} ${PC_FFI_INCLUDE_DIRS}
  PATH_SUFFIXES ffi)
find_library(FFI_LIBRARY
  NAMES ffi libffi
  HINTS ${PC_FFI_LIBDIR} ${PC_FFI_LIBRARY_DIRS})

set(FFI_VERSION "${PC_FFI_VERSION}")

include(FindPackageHandleStandardArgs)
if(FFI_VERSION)
  find_package_handle_standard_args(FFI
    REQUIRED_VARS FFI_LIBRARY FFI_INCLUDE_DIR
    VERSION_VAR FFI_VERSION)
else()
  find_package_handle_standard_args(FFI
    REQUIRED_VARS FFI_LIBRARY FFI_INCLUDE_DIR)
endif()
mark_as_advanced(FFI_INCLUDE_DIR FFI_LIBRARY)

if(FFI_FOUND)
  set(FFI_INCLUDE_DIRS "${FFI_INCLUDE_DIR}")
  set(FFI_LIBRARIES "${FFI_LIBRARY}")
  # What LLVM's FindFFI.cmake reports (LLVMConfig may look at these).
  set(HAVE_FFI_CALL 1)
  set(FFI_HEADER ffi.h CACHE INTERNAL "")
  set(HAVE_FFI_H 1 CACHE INTERNAL "")
  if(NOT TARGET FFI::FFI)
    add_library(FFI::FFI UNKNOWN IMPORTED)
    set_target_properties(FFI::FFI PROPERTIES
      IMPORTED_LOCATION "${FFI_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${FFI_INCLUDE_DIR}")
  endif()
  if(NOT TARGET FFI::ffi)
    add_library(FFI::ffi UNKNOWN IMPORTED)
    set_target_properties(FFI::ffi PROPERTIES
      IMPORTED_LOCATION "${FFI_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${FFI_INCLUDE_DIR}")
  endif()
endif()
