"""How the tracker decides: the flags and rules explained."""

from __future__ import annotations

from django.shortcuts import render

from tracker.monitoring import FLAGS

from .common import require as _require


def flag_help(request):
    _require(request, "view_patient")
    return render(
        request, "tracker/flags.html", {"flags": sorted(FLAGS.values(), key=lambda f: f.rule)}
    )
