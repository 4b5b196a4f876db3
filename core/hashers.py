"""A cheaper hasher for one-time initial passwords only.

Creating accounts for a county's ~760 cadres with the default PBKDF2 cost takes minutes. An
initial password is random (about 58 bits), shown once and must be changed at the first login;
Django then re-hashes it with the default hasher. So initial passwords are hashed with fewer
iterations, and nothing else ever is: it is last in ``PASSWORD_HASHERS``.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class InitialPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_initial"
    iterations = 20_000
