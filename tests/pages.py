"""The public pages every page-wide check (accessibility, HTML validity) visits, with demo data.

Pages that need a choice first (the booking steps) are reached by following the flow in the tests
that use them; this list is the pages a patient can land on directly.
"""

PUBLIC_PAGES = [
    "/",
    "/conditions/",
    "/conditions/?region=lower-leg",
    "/conditions/calf-cramps/",
    "/risk-factors/dehydration/",
    "/search/?q=cramp",
    "/search/?q=zzqxv",
    "/book/",
    "/book/?condition=calf-cramps",
    "/find-us/",
    "/find-us/sent/",
    "/team/",
    "/services/",
    "/my/",
    "/waitlist/",
    "/waitlist/?service=sports-massage",
    "/about/",
    "/privacy/",
    "/terms/",
    "/cancellation-policy/",
    "/accessibility/",
    "/no-such-page/",
]

# The same pages in French.
FRENCH_PAGES = [
    "/fr/",
    "/fr/conditions/",
    "/fr/conditions/?region=lower-leg",
    "/fr/conditions/crampes-au-mollet/",
    "/fr/risk-factors/dehydration/",
    "/fr/search/?q=crampe",
    "/fr/search/?q=zzqxv",
    "/fr/book/",
    "/fr/book/?condition=calf-cramps",
    "/fr/find-us/",
    "/fr/find-us/sent/",
    "/fr/team/",
    "/fr/services/",
    "/fr/my/",
    "/fr/waitlist/",
    "/fr/about/",
    "/fr/privacy/",
    "/fr/terms/",
    "/fr/cancellation-policy/",
    "/fr/accessibility/",
    "/fr/no-such-page/",
]
PUBLIC_PAGES += FRENCH_PAGES
