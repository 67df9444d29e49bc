from django.shortcuts import redirect, render

from .permissions import rule_required, signed_in
from .roles import home_url


@rule_required(signed_in)
def home(request):
    """Each role lands on its own home page."""
    return redirect(home_url(request.user))


@rule_required(signed_in)
def no_role(request):
    return render(request, "no_role.html", status=403)
