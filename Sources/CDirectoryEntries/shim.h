#include <sys/syscall.h>
#include <unistd.h>

/* getdents64(2): glibc declares its wrapper only under _GNU_SOURCE, which Swift's Glibc
 * module is built without, and Swift cannot call the variadic syscall(2) itself.
 * readdir(3) would do, but opendir(3) costs an fstat(2) and a 32 KiB buffer a directory. */
static inline long lantern_getdents64(int descriptor, void *buffer, unsigned long size) {
    return syscall(SYS_getdents64, descriptor, buffer, size);
}
