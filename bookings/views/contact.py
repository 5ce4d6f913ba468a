"""The find-us page: where the clinic is, how to get there, when it is open, and a form to write
to it. Never page-cached: the form carries a CSRF token and "open now" changes by the minute.

A message is stored, then emailed to the clinic through the outbox (notifications/contact.py),
and the sender is sent to a thank-you page (POST, redirect, GET). Nothing is emailed to the
sender: whoever typed the address may not own it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from bookings.forms import NameAndEmailForm
from bookings.models import ContactMessage
from bookings.notifications.contact import notify_clinic
from clinic.clock import clinic_zone_name
from clinic.hours import open_status, upcoming_closures, week_hours
from clinic.hours_labels import day_hours_label, status_label
from clinic.ratelimit import rate_limit

MESSAGE_MAX_LENGTH = 5000
# Per client address: a patient writes once or twice; a script posting spam is stopped early.
contact_limit = rate_limit("contact", limit=5, period=3600)
# A field people never see. A bot that fills every field fills it too, and gets the usual
# thank-you page, with nothing stored or sent.
HONEYPOT = "website"


class MessageField(forms.CharField):
    def to_python(self, value):
        # Browsers send line breaks as CRLF but count them as one character: so do we.
        return super().to_python(value).replace("\r\n", "\n")


class ContactForm(NameAndEmailForm):
    name = forms.CharField(max_length=120, label=_("Your name"))
    email = forms.EmailField(
        max_length=254, label=_("Your email"), help_text=_("We reply to this address.")
    )
    message = MessageField(
        max_length=MESSAGE_MAX_LENGTH,
        label=_("Your message"),
        help_text=_(
            "Please don’t include medical details: we will ask what we need when we reply. "
            "Up to 5,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": _(
                "Please shorten your message to %(limit_value)s characters or fewer "
                "(it has %(show_value)s)."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Let the server count: a browser cuts a pasted message short without a word.
        self.fields["message"].widget.attrs.pop("maxlength", None)

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if not message:
            raise ValidationError(_("Please write your message."), code="required")
        return message


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@contact_limit
def find_us(request):
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return redirect("bookings:contact_sent")
        form = ContactForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                message = ContactMessage.objects.create(
                    **form.cleaned_data, language=request.LANGUAGE_CODE
                )
                notify_clinic(message)
            return redirect("bookings:contact_sent")
    else:
        form = ContactForm()
    now = timezone.now()
    days = week_hours(now=now)
    status = open_status(now=now)
    context = {
        "form": form,
        "honeypot": HONEYPOT,
        "days": [(day, day_hours_label(day)) for day in days],
        "status": status,
        "status_label": status_label(status, now=now),
        "closures": upcoming_closures(now=now),
        "zone_name": clinic_zone_name(),
    }
    return render(request, "bookings/find_us.html", context, status=400 if form.errors else 200)


@require_safe
def contact_sent(request):
    return render(request, "bookings/contact_sent.html")
