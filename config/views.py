from django.shortcuts import redirect, render

from .permissions import any_signed_in_user, rule_required
from .roles import home_url


@rule_required(any_signed_in_user)
def home(request):
    """Each role lands on its own home page."""
    return redirect(home_url(request.user))


@rule_required(any_signed_in_user)
def no_role(request):
    return render(request, "no_role.html", status=403)
