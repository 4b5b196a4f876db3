from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language in the menu.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would turn the UI
    English for anyone whose browser is set up in English. County staff expect Chinese, so only
    the language cookie written by the language menu (``set_language``) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# What a cadre's account may open: their own pages, the password change, logging out, the
# language menu and static files. Everything else (the staff pages) does not exist for them.
CADRE_PREFIXES = ("/me/", "/password/", "/logout/", "/i18n/", "/static/", "/healthz")
# What a user who still has their initial password may open before changing it.
PASSWORD_PENDING_PREFIXES = ("/password/", "/logout/", "/i18n/", "/static/", "/healthz")


class AccountBoundaryMiddleware:
    """Cadres stay on their own pages; a first login changes the initial password first.

    A cadre opening a staff URL gets 404 (as for any object outside one's area), and the home
    page sends them to 我的驻村. Users whose profile says ``must_change_password`` are sent to
    the password page until they have changed it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_superuser:
            from django.http import Http404
            from django.shortcuts import redirect

            from core.models import StaffProfile

            profile = StaffProfile.objects.filter(user=user).only("role", "must_change_password").first()
            path = request.path_info
            if (
                profile is not None
                and profile.must_change_password
                and not path.startswith(PASSWORD_PENDING_PREFIXES)
            ):
                return redirect(f"/password/?next={path}" if path.startswith("/me/") else "/password/")
            if profile is not None and profile.role == StaffProfile.Role.CADRE:
                if path == "/":
                    return redirect("/me/")
                if not path.startswith(CADRE_PREFIXES):
                    raise Http404
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """Answer 400 to a request whose parameters carry a NUL character (``?q=%00``).

    No one types one; PostgreSQL refuses it in any text, so a search or filter that passed it
    on would end in a server error. Forms already refuse it field by field
    (``ProhibitNullCharactersValidator``); this covers the parameters views read directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or self._has_nul(request.GET) or self._has_nul(request.POST):
            return HttpResponseBadRequest(_("请求参数中含有不可见控制字符（NUL），已拒绝").encode())
        return self.get_response(request)

    @staticmethod
    def _has_nul(params) -> bool:
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (``check --deploy`` does not cover it): the browser features
    pages may use. Geolocation stays allowed for this site, for the cadres' check-in page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = settings.ZHUCUN_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
