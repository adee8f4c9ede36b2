import json

from django.http import HttpResponse

from agentbuilder.errors import error_envelope

API_PREFIX = "/v1/"
MESSAGES = {
    404: ("not_found", "No such endpoint."),
    405: ("method_not_allowed", "This endpoint does not accept the {method} method."),
}


class ApiErrorEnvelopeMiddleware:
    """Unknown /v1/ paths and wrong methods answer in the API's error envelope too.

    django-ninja's exception handlers only see errors raised inside an endpoint; a URL that
    matches none (Django's HTML 404) or a method an endpoint lacks (ninja's bare 405) never
    reaches them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = MESSAGES[response.status_code]
            body = error_envelope(code, message.format(method=request.method))
            enveloped = HttpResponse(
                json.dumps(body), status=response.status_code, content_type="application/json"
            )
            if response.has_header("Allow"):
                enveloped["Allow"] = response["Allow"]
            return enveloped
        return response
