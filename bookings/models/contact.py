"""Messages patients send from the contact page: kept, then emailed to the clinic via the outbox."""

from django.conf import settings
from django.db import models


class ContactMessage(models.Model):
    """What someone typed on the contact page. Stored first, so nothing sent is lost when mail
    is down; the front desk reads it in the admin and marks it answered."""

    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    message = models.TextField(max_length=5000)
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "message from the contact page"
        verbose_name_plural = "messages from the contact page"

    def __str__(self):
        return f"{self.name} <{self.email}> at {self.created_at:%Y-%m-%d %H:%M}"
