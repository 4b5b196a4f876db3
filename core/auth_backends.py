"""django-axes' lockout check for every login made through a request."""

from axes.backends import AxesStandaloneBackend


class LoginProtectionBackend(AxesStandaloneBackend):
    """Refuses a locked-out user name or address before the password is checked (then ModelBackend).

    Every web login (the site's and the admin's) passes its request. An ``authenticate()``
    without one — a test client's ``login()``, a script — has no address to count and is left
    to the next backend instead of raising, as django-axes itself would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
