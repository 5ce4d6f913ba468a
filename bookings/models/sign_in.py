"""Patients sign in with a link emailed to them: single use, short-lived, kept only as a digest."""

import hashlib

from django.db import models


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLink(models.Model):
    """One emailed sign-in link. The token itself is never stored: a copy of this table does not
    let anyone sign in."""

    email = models.EmailField(max_length=254)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "patient sign-in link"
        indexes = [models.Index(fields=["email", "created_at"], name="bookings_signin_by_email")]

    def __str__(self):
        return f"Sign-in link of {self.created_at:%Y-%m-%d %H:%M}"
