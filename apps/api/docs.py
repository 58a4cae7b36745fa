"""``/api/docs/``: Swagger UI under the site's Content-Security-Policy.

drf-spectacular's Swagger page starts Swagger UI with an inline script and styles itself with
an inline ``<style>``; the policy (``CONTENT_SECURITY_POLICY``) runs neither. Here the start
script carries a nonce, new for every response, and this page's policy allows that nonce
(what django-csp offers for one view); the style rules come from a static file. Every other
asset is a local static file (drf-spectacular-sidecar). The page's policy also allows
``data:`` images: Swagger UI's stylesheet draws its icons with them.
"""

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerView


@method_decorator(
    csp_update({"script-src": [SELF, NONCE], "img-src": [SELF, "data:"]}), name="dispatch"
)
class ApiDocsView(SpectacularSwaggerView):
    template_name = "api/swagger_ui.html"
