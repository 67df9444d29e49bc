"""How passwords are stored: Argon2id at OWASP's minimum cost (Password Storage Cheat Sheet,
https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html: "Argon2id
with a minimum configuration of 19 MiB of memory, an iteration count of 2, and 1 degree of
parallelism"). Django's default, PBKDF2 with 1,000,000 iterations of SHA-256,
is above OWASP's PBKDF2 advice too, but costs about ten times the CPU per login: with a class
of 50 logging in at once on a 2-CPU server, logins queued for seconds (bench/logins.py and
README, "Security: passwords").

Memory, not time, is what makes Argon2id costly to guess on GPUs, so its low CPU time does
not weaken the storage. Older hashes (PBKDF2, from before) still verify, and Django stores
the password again with this hasher on the user's next successful login."""

from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP's minimum for Argon2id (m=19 MiB, t=2, p=1). Raise them together with a measurement
# (bench/logins.py); never lower them below this line.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_COST_KIB = 19 * 1024  # 19,456 KiB
ARGON2_PARALLELISM = 1


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (Argon2id) with its cost written out here rather than inherited:
    a Django upgrade that changes its defaults does not change ours unnoticed. Hashes keep
    Django's "argon2" prefix; a stored hash with other parameters is upgraded at the next
    login (Argon2PasswordHasher.must_update)."""

    time_cost = ARGON2_TIME_COST
    memory_cost = ARGON2_MEMORY_COST_KIB
    parallelism = ARGON2_PARALLELISM
