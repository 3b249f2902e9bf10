// libxcrypt (Debian's libcrypt-dev): crypt_r verifies bcrypt ($2a$, $2b$, $2y$) hashes.
#include <crypt.h>
