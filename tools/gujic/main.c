/* gujic — the guji compiler: GUJI source to a native executable.
 * All of its behaviour is drv_gujic_main's (lib/Driver/gujic.c). */
#include "guji/Driver.h"

int main(int argc, char **argv) { return drv_gujic_main(argc, argv); }
