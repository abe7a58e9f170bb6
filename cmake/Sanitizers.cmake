# Sanitizers.cmake — the GUJI_SANITIZE option (ASan + UBSan).
#
# guji_target_sanitize(TARGET) adds the flags to a target's compile and link
# options when GUJI_SANITIZE is ON, and nothing otherwise. It is applied to
# everything that runs on the host: compiler libraries, tools, unit tests and
# the runtime copy linked into `guji` (gujirt_host). It is NOT applied to
# `gujirt`, the runtime that gujic links into user executables: those are
# linked by the system cc without the sanitizer runtime, so sanitized
# objects in libgujirt.a would fail to link.

option(GUJI_SANITIZE "Build host code with -fsanitize=address,undefined" OFF)
# GUJI_TSAN: ThreadSanitizer instead (it cannot be combined with ASan). The
# concurrency runtime announces its task switches to TSan (sched.c), so the
# runtime's unit tests run clean under it; build.sh test builds
# unittest-runtime this way in build-tsan/.
option(GUJI_TSAN "Build host code with -fsanitize=thread" OFF)
if(GUJI_SANITIZE AND GUJI_TSAN)
  message(FATAL_ERROR "GUJI_SANITIZE (ASan) and GUJI_TSAN cannot be combined")
endif()
set(GUJI_TSAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer)

set(GUJI_SANITIZE_FLAGS
  -fsanitize=address,undefined
  -fno-omit-frame-pointer
  -fno-sanitize-recover=undefined)

function(guji_target_sanitize target)
  if(GUJI_SANITIZE)
    target_compile_options(${target} PRIVATE ${GUJI_SANITIZE_FLAGS})
    # PUBLIC: a static library passes the link flags on to whatever links it.
    target_link_options(${target} PUBLIC ${GUJI_SANITIZE_FLAGS})
    # Lets sources announce e.g. task stack switches to ASan
    # (__sanitizer_start_switch_fiber) only when it is present.
    target_compile_definitions(${target} PRIVATE GUJI_SANITIZE=1)
  elseif(GUJI_TSAN)
    target_compile_options(${target} PRIVATE ${GUJI_TSAN_FLAGS})
    target_link_options(${target} PUBLIC ${GUJI_TSAN_FLAGS})
  endif()
endfunction()
