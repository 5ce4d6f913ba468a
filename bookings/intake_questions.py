"""The questionnaire every clinic starts with, in English and French (staff edit it in the admin).

Warning signs (section "screening") follow the physical therapists' red-flag screening: signs
that need emergency care or a doctor first. Used by migration 0015 and the demo loader, which
add any that are missing and never change one staff have edited.
"""

BODY_PARTS_EN = "\n".join(
    [
        "Neck",
        "Shoulder",
        "Elbow or arm",
        "Wrist or hand",
        "Upper back",
        "Lower back",
        "Hip or groin",
        "Thigh",
        "Knee",
        "Calf or shin",
        "Ankle or foot",
        "Somewhere else",
    ]
)
BODY_PARTS_FR = "\n".join(
    [
        "Cou",
        "Épaule",
        "Coude ou bras",
        "Poignet ou main",
        "Haut du dos",
        "Bas du dos",
        "Hanche ou aine",
        "Cuisse",
        "Genou",
        "Mollet ou tibia",
        "Cheville ou pied",
        "Ailleurs",
    ]
)
ACTIVITY_EN = "\n".join(
    [
        "Mostly sitting",
        "Active once or twice a week",
        "Training most days",
        "Competing",
    ]
)
ACTIVITY_FR = "\n".join(
    [
        "Surtout assis",
        "Actif une ou deux fois par semaine",
        "Entraînement presque tous les jours",
        "En compétition",
    ]
)

# key, section, kind, required, urgency, minors only, English (text, help), French (text, help),
# choices (en, fr)
QUESTIONS = [
    (
        "date-of-birth",
        "problem",
        "date",
        True,
        "",
        False,
        ("Your date of birth", ""),
        ("Votre date de naissance", ""),
        ("", ""),
    ),
    (
        "problem",
        "problem",
        "text",
        True,
        "",
        False,
        (
            "What is the problem, and how did it start?",
            "For example: a fall, a sudden pain while running, little by little.",
        ),
        (
            "Quel est le problème, et comment a-t-il commencé\u00a0?",
            "Par exemple\u00a0: une chute, une douleur soudaine en courant, petit à petit.",
        ),
        ("", ""),
    ),
    (
        "where",
        "problem",
        "choice",
        True,
        "",
        False,
        ("Where does it hurt most?", ""),
        ("Où avez-vous le plus mal\u00a0?", ""),
        (BODY_PARTS_EN, BODY_PARTS_FR),
    ),
    (
        "pain-now",
        "problem",
        "pain",
        True,
        "",
        False,
        ("Your pain now", ""),
        ("Votre douleur maintenant", ""),
        ("", ""),
    ),
    (
        "pain-worst",
        "problem",
        "pain",
        True,
        "",
        False,
        ("Your pain at its worst in the last week", ""),
        ("Votre douleur au pire de la dernière semaine", ""),
        ("", ""),
    ),
    (
        "better",
        "problem",
        "text",
        False,
        "",
        False,
        ("What makes it better?", ""),
        ("Qu’est-ce qui la soulage\u00a0?", ""),
        ("", ""),
    ),
    (
        "worse",
        "problem",
        "text",
        False,
        "",
        False,
        ("What makes it worse?", ""),
        ("Qu’est-ce qui l’aggrave\u00a0?", ""),
        ("", ""),
    ),
    (
        "chest-breathless",
        "screening",
        "yes_no",
        True,
        "emergency",
        False,
        ("Chest pain, or breathlessness that is new or getting worse", ""),
        ("Une douleur dans la poitrine, ou un essoufflement nouveau ou qui s’aggrave", ""),
        ("", ""),
    ),
    (
        "saddle-numbness",
        "screening",
        "yes_no",
        True,
        "emergency",
        False,
        (
            "Numbness between the legs or around the buttocks, "
            "or new trouble controlling your bladder or bowels",
            "",
        ),
        (
            "Un engourdissement entre les jambes ou autour des fesses, "
            "ou un nouveau trouble pour retenir l’urine ou les selles",
            "",
        ),
        ("", ""),
    ),
    (
        "hot-calf",
        "screening",
        "yes_no",
        True,
        "today",
        False,
        ("A calf that is swollen, hot, red or tender", "It can be a blood clot."),
        (
            "Un mollet gonflé, chaud, rouge ou douloureux au toucher",
            "Ce peut être un caillot de sang.",
        ),
        ("", ""),
    ),
    (
        "weight-loss",
        "screening",
        "yes_no",
        True,
        "today",
        False,
        ("Weight loss you cannot explain", ""),
        ("Une perte de poids inexpliquée", ""),
        ("", ""),
    ),
    (
        "night-pain",
        "screening",
        "yes_no",
        True,
        "today",
        False,
        ("Pain at night that never eases, whatever position you are in", ""),
        ("Une douleur la nuit qui ne cède jamais, quelle que soit la position", ""),
        ("", ""),
    ),
    (
        "injuries",
        "history",
        "text",
        False,
        "",
        False,
        ("Previous injuries to this or another part of the body", ""),
        ("Blessures précédentes, à cet endroit ou ailleurs", ""),
        ("", ""),
    ),
    (
        "surgery",
        "history",
        "text",
        False,
        "",
        False,
        ("Operations you have had, and when", ""),
        ("Opérations que vous avez eues, et quand", ""),
        ("", ""),
    ),
    (
        "medications",
        "history",
        "text",
        False,
        "",
        False,
        ("Medicines you take", "Including blood thinners and painkillers."),
        ("Médicaments que vous prenez", "Y compris anticoagulants et antidouleurs."),
        ("", ""),
    ),
    (
        "conditions",
        "history",
        "text",
        False,
        "",
        False,
        (
            "Other health conditions",
            "For example diabetes, heart or lung conditions, osteoporosis, pregnancy.",
        ),
        (
            "Autres problèmes de santé",
            "Par exemple diabète, maladie cardiaque ou pulmonaire, ostéoporose, grossesse.",
        ),
        ("", ""),
    ),
    (
        "sport",
        "activity",
        "text",
        False,
        "",
        False,
        ("Your sports and activities", ""),
        ("Vos sports et activités", ""),
        ("", ""),
    ),
    (
        "activity-level",
        "activity",
        "choice",
        False,
        "",
        False,
        ("How active are you?", ""),
        ("Quel est votre niveau d’activité\u00a0?", ""),
        (ACTIVITY_EN, ACTIVITY_FR),
    ),
    (
        "goals",
        "activity",
        "text",
        True,
        "",
        False,
        ("What would you like to be able to do again?", "Your goals for treatment."),
        ("Que voudriez-vous pouvoir refaire\u00a0?", "Vos objectifs de traitement."),
        ("", ""),
    ),
    (
        "emergency-contact",
        "contacts",
        "text",
        True,
        "",
        False,
        ("Emergency contact: name and phone", ""),
        ("Personne à prévenir en cas d’urgence\u00a0: nom et téléphone", ""),
        ("", ""),
    ),
    (
        "guardian",
        "contacts",
        "text",
        True,
        "",
        True,
        ("Parent or guardian: name and phone", "For a patient under 18."),
        ("Parent ou tuteur\u00a0: nom et téléphone", "Pour un patient de moins de 18 ans."),
        ("", ""),
    ),
    (
        "guardian-consent",
        "contacts",
        "yes_no",
        True,
        "",
        True,
        ("I am the patient's parent or guardian and I agree to the assessment and treatment", ""),
        (
            "Je suis le parent ou le tuteur du patient et j’accepte l’évaluation et le traitement",
            "",
        ),
        ("", ""),
    ),
]


def ensure_default_questions(IntakeQuestion) -> int:
    """Add the built-in questions that are missing (by key); returns how many were added."""
    existing = set(IntakeQuestion.objects.values_list("key", flat=True))
    added = 0
    for order, (key, section, kind, required, urgency, minors, en, fr, choices) in enumerate(
        QUESTIONS
    ):
        if key in existing:
            continue
        IntakeQuestion.objects.create(
            key=key,
            section=section,
            kind=kind,
            required=required,
            urgency=urgency,
            minors_only=minors,
            order=order * 10,
            text=en[0],
            text_en=en[0],
            text_fr=fr[0],
            help_text=en[1],
            help_text_en=en[1],
            help_text_fr=fr[1],
            choices=choices[0],
            choices_en=choices[0],
            choices_fr=choices[1],
        )
        added += 1
    return added
