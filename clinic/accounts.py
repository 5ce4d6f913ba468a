"""Staff accounts: Django's password reset, limited per client and per account."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from clinic.ratelimit import is_over_limit, rate_limit

PASSWORD_RESET_PERIOD = 60 * 60
# Resets asked from one address in an hour: a front desk that mistypes a few times gets through,
# a script that walks a list of addresses does not.
PASSWORD_RESET_CLIENT_LIMIT = 10
# Emails sent to one account in an hour, from wherever they are asked: enough for a lost email.
PASSWORD_RESET_ACCOUNT_LIMIT = 3


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if is_over_limit(
            "password-reset-account",
            email,
            limit=PASSWORD_RESET_ACCOUNT_LIMIT,
            period=PASSWORD_RESET_PERIOD,
        ):
            # The usual "check your email" page and no email: a page of its own would tell a
            # stranger that the address belongs to an account.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = rate_limit(
    "password-reset", limit=PASSWORD_RESET_CLIENT_LIMIT, period=PASSWORD_RESET_PERIOD
)(PasswordResetView.as_view())
