"""Roles (issue: Trust): what each clinic group may change. Groups are created by a migration;
administrators (superusers) put users in them in the admin."""

from tracker.records import REGISTRY

# Every clinical record type of the registry (tracker/records.py).
CLINICAL = tuple(t.codename for t in REGISTRY)


def _perms(actions, models):
    return tuple(f"{action}_{model}" for action in actions for model in models)


VIEW_ALL = _perms(("view",), CLINICAL)
ROLES = {
    # Every clinical write, including courses and holds.
    "oncologist": VIEW_ALL + _perms(("add", "change"), CLINICAL),
    # Infusions, LVEF, co-treatments and patients; scan requests and contacts (issue 12 item 8:
    # reviews and ending holds are the oncologist's).
    "nurse": VIEW_ALL
    + _perms(
        ("add", "change"),
        ("patient", "infusion", "lvefmeasurement", "cotreatment", "scanrequest", "contactlog"),
    ),
    # LVEF, and booking the scans others requested (change_scanrequest).
    "cardiology": VIEW_ALL
    + _perms(("add", "change"), ("lvefmeasurement",))
    + _perms(("change",), ("scanrequest",)),
    "viewer": VIEW_ALL,
}


def ensure_roles(sender=None, **kwargs):
    """post_migrate: keep the groups and their permissions as above. The data migration creates
    them on a new database; this restores them after a flush (tests with a live server) and
    brings an old database in line when ROLES changes."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="tracker", codename__in=codenames)
        )
