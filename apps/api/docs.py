"""``/api/docs/``: Swagger UI under the site's Content-Security-Policy, with no exception for
script or style.

drf-spectacular's Swagger page starts Swagger UI with an inline script and styles itself with
an inline ``<style>``; the policy (``CONTENT_SECURITY_POLICY``) runs neither. Its split view
serves the start script as a file of its own (``/api/docs/?script=``, same origin), and the
template here links the few style rules from a static file instead. The only addition to
the policy is ``data:`` images: Swagger UI's stylesheet draws its icons with them.
"""

from csp.constants import SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView


@method_decorator(csp_update({"img-src": [SELF, "data:"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
