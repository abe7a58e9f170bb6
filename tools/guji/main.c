/* guji — runs guji programs through the LLVM JIT (`guji run FILE`).
 * All of its behaviour is drv_guji_main's (lib/Driver/guji.c).
 *
 * The section below names the gdb pretty-printers (tools/gdb/guji-gdb.py,
 * copied to <build>/share/guji by CMake): gdb loads them when it debugs
 * `guji run -g`, once its auto-load safe-path admits that file. JIT'd code
 * arrives as objfiles gdb loads no scripts for, so guji's own entry is what
 * brings the printers (they are global, so they serve the JIT code too).
 * The entry's format is gdb's: a byte 1 (a Python file), the path, a NUL.
 */
#include "guji/Driver.h"

#ifdef GUJI_GDB_SCRIPT
__attribute__((section(".debug_gdb_scripts"), used))
static const char gdb_script[] = "\1" GUJI_GDB_SCRIPT;
#endif

int main(int argc, char **argv) { return drv_guji_main(argc, argv); }
