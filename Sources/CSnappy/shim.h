// Debian's libsnappy (libsnappy-dev): the C API of Google's snappy block format.
#include <snappy-c.h>
