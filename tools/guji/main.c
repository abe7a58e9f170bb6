/* guji — runs guji programs through the LLVM JIT (`guji run FILE`).
 * All of its behaviour is drv_guji_main's (lib/Driver/guji.c). */
#include "guji/Driver.h"

int main(int argc, char **argv) { return drv_guji_main(argc, argv); }
