"""API tokens (issue 15 item 1): one per client of a user, created and revoked by administrators
in the admin. Only a SHA-256 digest of the secret is stored; the token itself is shown once, when
it is created. A short, non-secret prefix finds the row without comparing every digest."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_SCHEME = "trk"  # noqa: S105 - not a secret; tokens read trk_<prefix>_<secret>: recognisable in a leaked file
PREFIX_LENGTH = 8


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “echo reporting system”.")
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=~models.Q(digest=""), name="api_token_has_digest")
        ]

    def __str__(self):
        return f"{self.name} ({TOKEN_SCHEME}_{self.prefix}_…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def set_new_secret(self) -> str:
        """A new token for this row: its prefix and digest set, the token returned to be shown
        once (it is not stored)."""
        while True:  # a prefix clash is one in 4 billion; try again rather than fail
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
            if not type(self).objects.filter(prefix=prefix).exists():
                break
        token = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
        self.prefix, self.digest = prefix, token_digest(token)
        return token

    @classmethod
    def issue(cls, *, user, name: str, created_by=None) -> tuple["ApiToken", str]:
        """A new token for the user: (the row, the token to show once)."""
        row = cls(user=user, name=name, created_by=created_by)
        token = row.set_new_secret()
        row.save()
        return row, token

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.digest, token_digest(token))

    def revoke(self, *, by=None) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_by = by
            self.save(update_fields=["revoked_at", "revoked_by"])
