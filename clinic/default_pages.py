"""The pages every clinic starts with, in English and French: privacy notice, terms of use,
cancellation policy, accessibility statement, about the clinic.

Migration clinic 0004 creates them, and the demo loader puts back any that are missing (a test
database flushed between tests loses the migration's rows). A page that exists is never
touched: once created, the text is the clinic's own, edited in the admin.

The text is plain and generic on purpose; what the clinic must check before relying on it is
said in the admin (`REVIEW_NOTES`), never on the page.
"""

import re

from django.utils import translation

# French typography: a non-breaking space before : ; ? ! (written here with ordinary spaces).
_FRENCH_SPACE = re.compile(r" ([:;?!])")


def _french(text: str) -> str:
    return _FRENCH_SPACE.sub("\u00a0\\1", text)


PRIVACY = "privacy"
TERMS = "terms"
CANCELLATION = "cancellation-policy"
ACCESSIBILITY = "accessibility"
ABOUT = "about"

# Shown above the text in the admin only: what to check before relying on a default page.
REVIEW_NOTES = {
    PRIVACY: (
        "[Clinic: review this text with your advisor] This is a generic starting text. Check "
        "the retention periods your health-records law sets, name your email and hosting "
        "providers if your advisor asks you to, and add your privacy contact."
    ),
    TERMS: "[Clinic: review this text with your advisor] A generic starting text.",
    CANCELLATION: (
        "[Clinic: review this text with your advisor] Check that the 24 hours match the "
        "cancellation cut-off in the booking rules, and whether and how much you charge."
    ),
    ACCESSIBILITY: (
        "Check the statement against the site and the building; add the date of your last "
        "accessibility review."
    ),
}

PAGES = [
    {
        "slug": ABOUT,
        "order": 10,
        "title_en": "About the clinic",
        "title_fr": "À propos de la clinique",
        "summary_en": (
            "Who we are and how we care for sports injuries, from prevention to recovery."
        ),
        "summary_fr": (
            "Qui nous sommes et comment nous soignons les blessures du sport, de la prévention "
            "à la reprise."
        ),
        "body_en": """\
We are a sports medicine and physical therapy clinic. We help people prevent sports injuries,
and we get them back to the activities they love after one.

# What we do

- Assessment and diagnosis of sports injuries
- Physical therapy and rehabilitation plans
- Sports massage and soft tissue work
- Advice on training load, technique and prevention

# How we work

Your first visit is an assessment: we listen to your history, examine you and explain what we
find. Together we agree on a plan with clear goals. Follow-up sessions check your progress and
adjust the plan as you recover.

# Our guides

The condition guides on this site explain sports injuries in plain words. Each guide says who
reviewed it and when, once one of our therapists has. They are general information, not a
diagnosis.

# Book or ask us

[Book an appointment](/book/) online, or see how to [find and contact us](/find-us/).
""",
        "body_fr": """\
Nous sommes une clinique de médecine du sport et de kinésithérapie. Nous aidons chacun à
prévenir les blessures du sport et à reprendre, après une blessure, les activités qu’il aime.

# Ce que nous faisons

- Bilan et diagnostic des blessures du sport
- Kinésithérapie et programmes de rééducation
- Massage sportif et travail des tissus mous
- Conseils sur la charge d’entraînement, la technique et la prévention

# Comment nous travaillons

Votre première séance est un bilan : nous écoutons votre histoire, nous vous examinons et
nous vous expliquons ce que nous constatons. Ensemble, nous fixons un plan avec des objectifs
clairs. Les séances de suivi font le point sur vos progrès et adaptent le plan.

# Nos guides

Les guides sur les pathologies de ce site expliquent les blessures du sport avec des mots
simples. Chaque guide indique qui l’a relu et quand, une fois relu par l’un de nos thérapeutes.
Ce sont des informations générales, pas un diagnostic.

# Prendre rendez-vous ou nous écrire

[Prenez rendez-vous](/fr/book/) en ligne, ou découvrez comment [venir et nous
contacter](/fr/find-us/).
""",
    },
    {
        "slug": CANCELLATION,
        "order": 20,
        "title_en": "Cancellation and no-show policy",
        "title_fr": "Annulation et rendez-vous manqués",
        "summary_en": ("Cancel or move your appointment for free up to 24 hours before it starts."),
        "summary_fr": (
            "Annulez ou déplacez votre rendez-vous gratuitement jusqu’à 24 heures avant son début."
        ),
        "body_en": """\
# Cancel or move for free

You can cancel or move your appointment free of charge up to 24 hours before it starts.

The easiest way is the link in your confirmation email: it opens your appointment's own page,
where you can cancel it or choose another time. You can also call us.

# Late cancellations and missed appointments

If you cancel less than 24 hours before your appointment, or do not come, we may charge a fee:
that time could have gone to another patient. We tell you before charging anything, and we know
emergencies happen, so please call us.

# If we have to change your appointment

If we have to move or cancel your appointment (a therapist is ill, for example), we tell you as
soon as we can, by email or phone, and offer you another time. You are never charged for that.

# If you are running late

Please call us. We may have to shorten your session so that the next patient is seen on time.
""",
        "body_fr": """\
# Annuler ou déplacer gratuitement

Vous pouvez annuler ou déplacer votre rendez-vous sans frais jusqu’à 24 heures avant son début.

Le plus simple est d’utiliser le lien de votre e-mail de confirmation : il ouvre la page de
votre rendez-vous, où vous pouvez l’annuler ou choisir un autre horaire. Vous pouvez aussi nous
appeler.

# Annulations tardives et rendez-vous manqués

Si vous annulez moins de 24 heures avant votre rendez-vous, ou si vous ne venez pas, nous
pouvons vous facturer des frais : ce créneau aurait pu servir à un autre patient. Nous vous
prévenons avant toute facturation, et nous savons que les imprévus arrivent : appelez-nous.

# Si nous devons modifier votre rendez-vous

Si nous devons déplacer ou annuler votre rendez-vous (un thérapeute malade, par exemple), nous
vous prévenons dès que possible, par e-mail ou par téléphone, et nous vous proposons un autre
horaire. Cela ne vous est jamais facturé.

# Si vous êtes en retard

Appelez-nous. Nous devrons peut-être raccourcir votre séance pour que le patient suivant soit
reçu à l’heure.
""",
    },
    {
        "slug": PRIVACY,
        "order": 30,
        "title_en": "Privacy notice",
        "title_fr": "Politique de confidentialité",
        "summary_en": (
            "What personal information we collect when you book or write to us, why, who sees "
            "it, how long we keep it and your rights."
        ),
        "summary_fr": (
            "Les informations personnelles que nous recueillons quand vous prenez rendez-vous "
            "ou nous écrivez, pourquoi, qui les voit, combien de temps nous les gardons et vos "
            "droits."
        ),
        "body_en": """\
This notice explains what we do with the personal information you give us through this
website.

# What we collect

- **When you book:** your name, email address and phone number, and the reason for your visit
  if you choose to tell us.
- **Before your first visit:** a health questionnaire about your injury and your health, when
  we ask you to fill one in.
- **When you write to us** with the contact form: your name, email address and message.
- **About your care:** your appointments, whether you came, and the notes your therapist keeps.

# Why we use it

Only to arrange and provide your care: to book, confirm, remind you of and change your
appointments, to prepare your visit, to answer your messages, and to keep the health records
the law requires.

# Who sees it

Your treating therapist and our front desk. We never sell your information, and we do not use
it for advertising. This website has no advertising or tracking cookies and no third-party
trackers. The companies that host the site and send our emails handle it for us, only to
provide that service.

# How long we keep it

Appointment and health records are kept for the period set by law and our retention policy:
at least as long as the law requires for health records. Your answers to the health
questionnaire are deleted seven years after your last visit. They are stored encrypted, and
every time someone at the clinic reads them is recorded. The copies of the emails we send you
are deleted 30 days after they are sent.

# Your rights

You can ask to see the information we hold about you, to get a copy of it, to have it
corrected, or to have it deleted when the law no longer requires us to keep it. On the
[My appointments](/my/) page you can see your appointments, correct your name and phone,
download everything we hold about you, or delete your account: we then remove your name,
contact details, the reasons you gave and your questionnaire answers, and keep only the dates
of past visits that our records require. You can also ask the front desk, by phone, by email or
with the contact form.

# Contact

For any question about this notice or your information, contact the front desk: see the
[Find us](/find-us/) page.
""",
        "body_fr": """\
Cette notice explique ce que nous faisons des informations personnelles que vous nous confiez
sur ce site.

# Ce que nous recueillons

- **Quand vous prenez rendez-vous :** votre nom, votre adresse e-mail et votre numéro de
  téléphone, et le motif de votre visite si vous choisissez de nous l’indiquer.
- **Avant votre première visite :** un questionnaire de santé sur votre blessure et votre
  santé, quand nous vous demandons de le remplir.
- **Quand vous nous écrivez** avec le formulaire de contact : votre nom, votre adresse e-mail
  et votre message.
- **Sur vos soins :** vos rendez-vous, votre présence, et les notes que tient votre thérapeute.

# Pourquoi nous les utilisons

Uniquement pour organiser et assurer vos soins : réserver, confirmer, vous rappeler et
modifier vos rendez-vous, préparer votre visite, répondre à vos messages, et tenir le dossier
de santé que la loi exige.

# Qui les voit

Votre thérapeute et notre accueil. Nous ne vendons jamais vos informations et nous ne les
utilisons pas pour de la publicité. Ce site n’a ni cookies publicitaires ou de suivi, ni
traceurs tiers. Les sociétés qui hébergent le site et envoient nos e-mails les traitent pour
nous, uniquement pour assurer ce service.

# Combien de temps nous les gardons

Les rendez-vous et les dossiers de santé sont conservés pendant la durée fixée par la loi et
par notre politique de conservation : au moins aussi longtemps que la loi l’exige pour les
dossiers de santé. Vos réponses au questionnaire de santé sont supprimées sept ans après votre
dernière séance. Elles sont conservées chiffrées, et chaque consultation par l’équipe du
cabinet est enregistrée. Les copies des e-mails que nous vous envoyons sont supprimées 30 jours
après leur envoi.

# Vos droits

Vous pouvez demander à voir les informations que nous détenons sur vous, à en obtenir une
copie, à les faire corriger, ou à les faire supprimer quand la loi ne nous oblige plus à les
garder. Sur la page [Mes rendez-vous](/fr/my/), vous pouvez voir vos rendez-vous, corriger
votre nom et votre téléphone, télécharger tout ce que nous détenons sur vous, ou supprimer votre
compte : nous retirons alors votre nom, vos coordonnées, les motifs indiqués et vos réponses au
questionnaire, et ne gardons que les dates des séances passées exigées par nos dossiers. Vous
pouvez aussi vous adresser à l’accueil, par téléphone, par e-mail ou avec le formulaire de
contact.

# Contact

Pour toute question sur cette notice ou sur vos informations, contactez l’accueil : voir la
page [Nous trouver](/fr/find-us/).
""",
    },
    {
        "slug": TERMS,
        "order": 40,
        "title_en": "Terms of use",
        "title_fr": "Conditions d’utilisation",
        "summary_en": "The rules for using this website and booking online.",
        "summary_fr": "Les règles d’utilisation de ce site et de la prise de rendez-vous en ligne.",
        "body_en": """\
By using this website you accept these terms.

# The information on this site

The condition guides are general information about sports injuries. They are not
a diagnosis and do not replace an examination. If your symptoms are severe or getting worse,
call your doctor; in an emergency, call 911 or your local emergency number.

# Booking online

When you book, please give your own correct details so that we can reach you. Your booking is
confirmed by the email we send you. If we have to move or cancel an appointment, we tell you
as soon as we can and offer another time. Our [cancellation policy](/cancellation-policy/)
explains how to cancel or move yours.

# Fair use

Please do not misuse the site: no automated bookings, and no attempts to reach pages or
information that are not yours. We may limit requests that look automated.

# Changes to these terms

We may update these terms. The date at the top of this page shows when they last changed.

# Contact

Questions about these terms: see the [Find us](/find-us/) page.
""",
        "body_fr": """\
En utilisant ce site, vous acceptez ces conditions.

# Les informations de ce site

Les guides sur les pathologies sont des informations générales sur les blessures du
sport. Ils ne sont pas un diagnostic et ne remplacent pas un examen. Si vos
symptômes sont importants ou s’aggravent, appelez votre médecin ; en cas d’urgence, appelez le
911 ou le numéro d’urgence de votre pays.

# Prendre rendez-vous en ligne

Quand vous prenez rendez-vous, indiquez vos propres coordonnées, exactes, pour que nous
puissions vous joindre. Votre rendez-vous est confirmé par l’e-mail que nous vous envoyons. Si
nous devons déplacer ou annuler un rendez-vous, nous vous prévenons dès que possible et vous
proposons un autre horaire. Notre [politique d’annulation](/fr/cancellation-policy/) explique
comment annuler ou déplacer le vôtre.

# Bon usage

N’utilisez pas le site de façon abusive : pas de réservations automatisées, pas de tentative
d’accéder à des pages ou à des informations qui ne sont pas les vôtres. Nous pouvons limiter
les requêtes qui semblent automatisées.

# Modifications de ces conditions

Nous pouvons mettre à jour ces conditions. La date en haut de cette page indique leur dernière
modification.

# Contact

Une question sur ces conditions : voir la page [Nous trouver](/fr/find-us/).
""",
    },
    {
        "slug": ACCESSIBILITY,
        "order": 50,
        "title_en": "Accessibility statement",
        "title_fr": "Déclaration d’accessibilité",
        "summary_en": (
            "Our accessibility goal for this website, what you can expect and how to report a "
            "problem."
        ),
        "summary_fr": (
            "Notre objectif d’accessibilité pour ce site, ce que vous pouvez en attendre et "
            "comment signaler un problème."
        ),
        "body_en": """\
We want everyone to be able to use this website, including people who use only a keyboard, a
screen reader or screen magnification.

# Our goal

We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. Pages are
checked with automated tools each time the site changes, and by hand with a keyboard.

# What you can expect

- Every page works with a keyboard alone, and you can always see where you are.
- Pages work with screen readers: headings, labelled form fields and error messages that are
  read out.
- You can enlarge text to 200% without losing content, and the site works on phones.
- Booking works without JavaScript, one step at a time.
- The site is available in English and in French.

# Report a problem

If something on this site is hard to use, please tell us which page and what went wrong: call
us, email us or use the form on the [Find us](/find-us/) page. We can always book your
appointment by phone.

# Visiting the clinic

For access to the building (steps, lift, parking), see the [Find us](/find-us/) page or call us
before your visit.
""",
        "body_fr": """\
Nous voulons que chacun puisse utiliser ce site, y compris les personnes qui n’utilisent que
le clavier, un lecteur d’écran ou un agrandissement de l’écran.

# Notre objectif

Nous visons la conformité aux Règles pour l’accessibilité des contenus Web (WCAG) 2.2, niveau
AA. Les pages sont vérifiées par des outils automatiques à chaque modification du site, et à la
main au clavier.

# Ce que vous pouvez attendre

- Chaque page s’utilise entièrement au clavier, et vous voyez toujours où vous êtes.
- Les pages fonctionnent avec les lecteurs d’écran : titres, champs de formulaire étiquetés et
  messages d’erreur lus à voix haute.
- Vous pouvez agrandir le texte à 200 % sans perdre de contenu, et le site fonctionne sur
  téléphone.
- La prise de rendez-vous fonctionne sans JavaScript, étape par étape.
- Le site existe en anglais et en français.

# Signaler un problème

Si quelque chose sur ce site est difficile à utiliser, dites-nous sur quelle page et ce qui
n’a pas fonctionné : appelez-nous, écrivez-nous ou utilisez le formulaire de la page [Nous
trouver](/fr/find-us/). Nous pouvons toujours prendre votre rendez-vous par téléphone.

# Venir à la clinique

Pour l’accès au bâtiment (marches, ascenseur, stationnement), consultez la page [Nous
trouver](/fr/find-us/) ou appelez-nous avant votre visite.
""",
    },
]

for _page in PAGES:
    for _field in ("body_en", "body_fr"):
        _page[_field] = _page[_field].strip()  # as the admin's form saves it
    for _field in ("title_fr", "summary_fr", "body_fr"):
        _page[_field] = _french(_page[_field])


def ensure_default_pages(Page, *, now) -> int:
    """Create each default page that does not exist yet (by slug), published and in the footer;
    returns how many were created. `Page` may be the migration's historical model."""
    created = 0
    for spec in PAGES:
        if Page.objects.filter(slug=spec["slug"]).exists():
            continue
        # In English: with modeltranslation's model, `title=` writes the active language's column.
        with translation.override("en"):
            _create(Page, spec, now=now)
        created += 1
    return created


def _create(Page, spec: dict, *, now) -> None:
    Page.objects.create(
        slug=spec["slug"],
        order=spec["order"],
        status="published",
        in_footer=True,
        title=spec["title_en"],
        summary=spec["summary_en"],
        body=spec["body_en"],
        title_en=spec["title_en"],
        title_fr=spec["title_fr"],
        summary_en=spec["summary_en"],
        summary_fr=spec["summary_fr"],
        body_en=spec["body_en"],
        body_fr=spec["body_fr"],
        version=1,
        revised_at=now,
    )
