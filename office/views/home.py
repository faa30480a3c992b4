"""Each role's home page: its work queues (office/home.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from office.home import home_context


@login_required
def home(request):
    context = home_context(request.user)
    return render(request, context["template"], context)
