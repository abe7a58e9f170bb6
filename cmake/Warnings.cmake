# Warnings.cmake — the warning flags every guji C/C++ target gets.
#
# guji_target_warnings(TARGET) adds them as PRIVATE options. Deliberately no
# -Werror: a new compiler's new warning must not break a user's build. CI
# logs show them; fix them as they appear.

set(GUJI_C_WARNINGS
  -Wall
  -Wextra
  -Wno-unused-parameter           # callbacks and vtables take what they ignore
  -Wno-missing-field-initializers # `= {0}` and designated initializers
  -Wno-sign-compare               # size_t vs int64_t loop bounds everywhere
  -Wshadow=local
  -Wpointer-arith
  -Wstrict-prototypes
  -Wmissing-prototypes            # exported functions belong in a header
  -Wimplicit-fallthrough
  -Wformat=2
  -Wno-format-nonliteral
  -Werror=implicit-function-declaration # a missing prototype truncates pointers
  -Werror=incompatible-pointer-types
  -Werror=int-conversion
  -Werror=return-type)

set(GUJI_CXX_WARNINGS
  -Wall
  -Wextra
  -Wno-unused-parameter
  -Wno-missing-field-initializers
  -Wno-sign-compare)

function(guji_target_warnings target)
  foreach(flag IN LISTS GUJI_C_WARNINGS)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C>:${flag}>)
  endforeach()
  foreach(flag IN LISTS GUJI_CXX_WARNINGS)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${flag}>)
  endforeach()
endfunction()
