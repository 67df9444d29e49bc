from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .roles import home_url


@login_required
def home(request):
    """Each role lands on its own home page."""
    return redirect(home_url(request.user))


@login_required
def no_role(request):
    return render(request, "no_role.html", status=403)
