"""Temporary page for routes whose real views land in follow-up commits."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def placeholder(request, **kwargs):
    return render(request, "accounts/message.html", {"title": "Coming soon", "text": ""})
