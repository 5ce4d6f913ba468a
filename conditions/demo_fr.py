"""French of the demo and seed content: the condition library's text for the French pages.

`CONDITIONS` is keyed by the English slug. "calf-cramps" is the French of the clinic's own article
(`conditions/seeds/calf-cramps.txt`), translated in full. Every other condition is demo content:
the French of the sample articles written for this project (`SAMPLES` and `DRAFT_SAMPLE` in
`conditions/demo.py`). Like the English, they are sample content, not clinical advice, and their
pages say so. Each entry has the French title, slug, alternate names (the lay terms French-speaking
patients search for), summary and one Markdown text per section the English article has.

`RISK_FACTORS` and `TREATMENTS` are keyed by the English names exactly as the seed article and
`conditions/demo.py` spell them; a description is given where the English has one
(`RISK_FACTOR_DETAILS`), otherwise it is "".

The loader (`conditions/demo.py`, `python manage.py load_demo`) writes this into the French fields.

Written for patients in France ("kinésithérapie", "vous"), with French typography: a no-break
space before ":" and inside « », a narrow no-break space before ";", "?" and "!".
"""

CONDITIONS = {
    # The clinic's own article, translated in full.
    "calf-cramps": {
        "title": "Crampes au mollet",
        "slug": "crampes-au-mollet",
        "alternate_names": [
            "crampe du mollet",
            "crampe nocturne",
            "crampe musculaire",
            "crampe à la jambe",
        ],
        "summary": (
            "Une crampe au mollet est une contraction involontaire et douloureuse du muscle du "
            "mollet, qui survient brusquement et peut vous obliger à interrompre votre activité."
        ),
        # As the English (conditions/importer.py): the summary's sentence is not repeated here.
        "overview": (
            "D'après les recherches, les crampes seraient liées à un dérèglement du "
            "fonctionnement des nerfs et des muscles.\n\n"
            "On appelle mollet le groupe de muscles situé à l'arrière de la jambe, sous le genou. "
            "Il est formé de deux muscles principaux\u00a0: le gastrocnémien (les «\u00a0jumeaux"
            "\u00a0»), qui prend naissance au-dessus de l'articulation du genou, et le soléaire, "
            "qui naît sous le genou. Tous deux s'attachent sur l'os du talon (le calcanéum) par "
            "l'intermédiaire du tendon d'Achille.\n\n"
            "Le mollet fait partie des muscles les plus souvent touchés par les crampes. C'est "
            "généralement le gastrocnémien qui est en cause, mais le soléaire peut parfois être "
            "concerné lui aussi."
        ),
        "causes": (
            "Plusieurs facteurs, seuls ou associés, peuvent favoriser l'apparition d'une crampe au "
            "mollet. Ils doivent être évalués et corrigés avec l'aide d'un kinésithérapeute, d'un "
            "podologue, d'un nutritionniste et/ou d'un médecin. Voici quelques-uns de ces "
            "facteurs\u00a0:"
        ),
        "symptoms": (
            "En cas de crampe au mollet, vous ressentez généralement une contraction ou un "
            "durcissement soudain, intense et involontaire du muscle. Cela s'accompagne le plus "
            "souvent d'une douleur importante et d'une sensation de tiraillement dans le mollet, "
            "qui peut être momentanément invalidante. La crampe disparaît souvent d'elle-même "
            "aussi vite qu'elle est apparue, en particulier si vous étirez le mollet de façon "
            "adaptée."
        ),
        "diagnosis": (
            "Un interrogatoire et un examen clinique approfondis, réalisés par un kinésithérapeute "
            "ou un autre professionnel de santé du sport, suffisent en général pour diagnostiquer "
            "une crampe au mollet et écarter d'autres problèmes. Des examens complémentaires, "
            "comme une échographie, sont parfois nécessaires pour exclure une autre blessure."
        ),
        "treatment": (
            "Sur le moment, le traitement d'une crampe au mollet consiste à étirer doucement le "
            "muscle touché, à marcher prudemment et à masser la zone. La chaleur peut aussi "
            "soulager\u00a0: appliquez-la sur la zone douloureuse, à une température agréable.\n\n"
            "Il est également important de repérer et de corriger les facteurs qui ont "
            "probablement favorisé la crampe, afin d'éviter qu'elle ne revienne. Il peut s'agir de "
            "bien vous hydrater et de veiller à ce que votre alimentation vous apporte "
            "suffisamment de sodium, de potassium et de glucides. Évitez les boissons qui ont un "
            "effet diurétique (comme le thé, le café, les sodas caféinés, les boissons "
            "énergisantes et les boissons alcoolisées). Pensez aussi à étirer régulièrement vos "
            "mollets pour qu'ils gardent une bonne souplesse. Si vos crampes sont dues à un excès "
            "d'entraînement ou d'activité, il peut être nécessaire d'adapter votre pratique pour "
            "limiter le risque de récidive. Veillez aussi à vous reposer suffisamment et à bien "
            "récupérer entre les séances d'entraînement et les matchs, ce qui passe notamment par "
            "un sommeil suffisant.\n\n"
            "D'autres points importants peuvent aussi demander votre attention\u00a0: suivre un "
            "programme de renforcement musculaire et de préparation physique pour améliorer le "
            "fonctionnement de vos muscles, et vérifier que vos chaussures, votre équipement et "
            "vos surfaces d'entraînement sont adaptés.\n\n"
            "Si les crampes persistent malgré le traitement, une consultation chez un médecin peut "
            "être indiquée. Il pourra vérifier si l'un des médicaments que vous prenez favorise "
            "les crampes, prescrire des analyses de sang adaptées et/ou un médicament pour "
            "prévenir leur apparition."
        ),
        "physical_therapy": (
            "Chez les personnes sujettes aux crampes au mollet, la kinésithérapie aide à repérer "
            "et à corriger certains des facteurs qui les ont favorisées, et donc à réduire le "
            "risque de récidive. Le traitement peut comprendre\u00a0:"
        ),
    },
    # Demo content from here on: the French of the sample articles in conditions/demo.py
    # (sample content, not clinical advice; their pages say so).
    "shin-splints": {
        "title": "Périostite tibiale",
        "slug": "periostite-tibiale",
        "alternate_names": [
            "syndrome de stress tibial médial",
            "SSTM",
            "douleur au tibia",
            "shin splints",
        ],
        "summary": (
            "Une douleur le long du bord interne du tibia, qui apparaît en courant ou en sautant, "
            "le plus souvent après un changement dans l'entraînement."
        ),
        "overview": (
            "«\u00a0Périostite tibiale\u00a0» est le nom courant d'une douleur le long du bord "
            "interne de l'os de la jambe (le tibia). Il s'agit d'un problème de surcharge\u00a0: "
            "l'os et les tissus qui s'y attachent doivent supporter plus de contraintes que ce à "
            "quoi ils se sont adaptés."
        ),
        "symptoms": (
            "- Douleur sourde le long de la face interne du tibia, pendant ou après l'effort\n"
            "- Zone sensible au toucher sur quelques centimètres de l'os\n"
            "- Douleur qui se calme au repos et revient quand vous courez"
        ),
        "diagnosis": (
            "Un kinésithérapeute pose le diagnostic à partir de vos explications et d'un examen. "
            "Une douleur très localisée, ou présente au repos, peut nécessiter une imagerie pour "
            "écarter une fracture de fatigue."
        ),
        "treatment": (
            "Réduisez les activités qui déclenchent la douleur, entretenez votre forme avec des "
            "activités à faible impact comme le vélo ou la natation, et corrigez les changements "
            "d'entraînement qui sont à l'origine du problème."
        ),
        "physical_therapy": (
            "La kinésithérapie analyse votre entraînement, vos chaussures et votre façon de "
            "bouger, puis vous aide à réhabituer progressivement la jambe à la charge qu'exige "
            "votre sport. Le traitement peut comprendre\u00a0:"
        ),
        "prevention": (
            "Augmentez progressivement vos distances de course, remplacez vos chaussures usées et "
            "ajoutez du renforcement musculaire pour les mollets et les hanches."
        ),
    },
    "achilles-tendinopathy": {
        "title": "Tendinopathie d'Achille",
        "slug": "tendinopathie-d-achille",
        "alternate_names": [
            "tendinite d'Achille",
            "tendinite du tendon d'Achille",
            "tendinopathie achilléenne",
        ],
        "summary": (
            "Une douleur et une raideur du tendon d'Achille, à l'arrière de la cheville, souvent "
            "plus marquées le matin au réveil."
        ),
        "overview": (
            "Le tendon d'Achille relie les muscles du mollet à l'os du talon. On parle de "
            "tendinopathie lorsque le tendon devient douloureux et supporte moins bien les "
            "contraintes, généralement après une période où vous avez couru ou sauté davantage "
            "que ce à quoi il était préparé."
        ),
        "anatomy": (
            "Les deux muscles du mollet, le gastrocnémien et le soléaire, se rejoignent pour "
            "former le tendon d'Achille, qui s'attache à l'arrière de l'os du talon."
        ),
        "symptoms": (
            "- Raideur à l'arrière de la cheville le matin\n"
            "- Douleur en début d'effort, qui peut diminuer à mesure que vous vous échauffez\n"
            "- Zone sensible ou épaissie sur le tendon"
        ),
        "diagnosis": (
            "Le diagnostic est généralement posé par un kinésithérapeute à partir de vos "
            "explications et d'un examen\u202f; une échographie peut aider lorsque la situation "
            "n'est pas claire."
        ),
        "treatment": (
            "Les tendons réagissent à une charge bien dosée. Le repos complet a tendance à les "
            "affaiblir\u00a0: le traitement repose avant tout sur un programme de mise en charge "
            "progressive."
        ),
        "physical_therapy": (
            "La kinésithérapie met en place et fait progresser un programme de mise en charge, et "
            "s'occupe de ce qui a surchargé le tendon. Le traitement peut comprendre\u00a0:"
        ),
        "prevention": (
            "Augmentez votre entraînement progressivement et gardez des mollets forts grâce à des "
            "montées sur la pointe des pieds régulières."
        ),
    },
    "patellofemoral-pain-syndrome": {
        "title": "Syndrome fémoro-patellaire",
        "slug": "syndrome-femoro-patellaire",
        "alternate_names": [
            "syndrome rotulien",
            "douleur rotulienne",
            "douleur antérieure du genou",
            "syndrome douloureux fémoro-patellaire",
        ],
        "summary": (
            "Une douleur autour ou en arrière de la rotule, déclenchée par les escaliers, les "
            "accroupissements, la course ou une position assise prolongée."
        ),
        "overview": (
            "Le syndrome fémoro-patellaire est une douleur à l'avant du genou, là où la rotule "
            "(patella) glisse sur l'os de la cuisse (fémur). Il est fréquent chez les coureurs et "
            "dans les sports qui comportent des sauts et des changements de direction."
        ),
        "symptoms": (
            "- Douleur sourde autour ou en arrière de la rotule\n"
            "- Douleur en descendant les escaliers ou en vous accroupissant\n"
            "- Douleur après une position assise prolongée, genoux pliés"
        ),
        "diagnosis": (
            "Un kinésithérapeute pose le diagnostic à partir de vos explications et d'un examen "
            "du genou, de la hanche et du pied. Les examens d'imagerie sont rarement nécessaires."
        ),
        "treatment": (
            "Calmez d'abord la douleur en adaptant les activités qui la déclenchent, puis "
            "renforcez les muscles autour de la hanche et du genou."
        ),
        "physical_therapy": (
            "La kinésithérapie porte sur le renforcement, la gestion de la charge et le "
            "mouvement. Le traitement peut comprendre\u00a0:"
        ),
        "prevention": (
            "Gardez des muscles de la hanche et de la cuisse forts, et augmentez votre "
            "entraînement progressivement."
        ),
    },
    "ankle-sprain": {
        "title": "Entorse de la cheville",
        "slug": "entorse-de-la-cheville",
        "alternate_names": [
            "cheville tordue",
            "foulure de la cheville",
            "entorse externe de la cheville",
        ],
        "summary": (
            "Une blessure des ligaments de la cheville, le plus souvent quand le pied se tord vers "
            "l'intérieur à la réception d'un saut ou lors d'un changement de direction."
        ),
        "overview": (
            "Une entorse de la cheville correspond à l'étirement ou à la déchirure d'un ou de "
            "plusieurs ligaments, le plus souvent ceux du côté externe de la cheville. La plupart "
            "des entorses guérissent bien grâce à des exercices commencés tôt et encadrés."
        ),
        "symptoms": (
            "- Douleur et gonflement sur le côté externe de la cheville\n"
            "- Hématome (un «\u00a0bleu\u00a0») qui apparaît dans les jours suivants\n"
            "- Difficulté à prendre appui sur le pied, ou impression que la cheville se dérobe"
        ),
        "diagnosis": (
            "Un kinésithérapeute examine votre cheville et vérifie si une radiographie est "
            "nécessaire pour écarter une fracture."
        ),
        "treatment": (
            "Protégez votre cheville les premiers jours, continuez à la bouger tant que cela reste "
            "confortable et remettez-vous à marcher dès que possible."
        ),
        "physical_therapy": (
            "La kinésithérapie redonne à la cheville sa mobilité, sa force et son équilibre, pour "
            "qu'elle risque moins de se dérober à nouveau. Le traitement peut comprendre\u00a0:"
        ),
        "prevention": (
            "Le travail de l'équilibre réduit le risque d'une nouvelle entorse, surtout dans "
            "l'année qui suit la première."
        ),
    },
    "plantar-fasciitis": {
        "title": "Fasciite plantaire",
        "slug": "fasciite-plantaire",
        "alternate_names": [
            "aponévrosite plantaire",
            "talalgie plantaire",
            "douleur sous le talon",
        ],
        "summary": (
            "Une douleur sous le talon, plus vive lors des premiers pas le matin ou quand vous "
            "vous levez après une période assise."
        ),
        "overview": (
            "Le fascia plantaire (ou aponévrose plantaire) est une bande épaisse de tissu située "
            "sous le pied, du talon jusqu'aux orteils. Lorsqu'il est surchargé, le talon devient "
            "douloureux, surtout au moment où vous vous levez."
        ),
        "symptoms": (
            "- Douleur vive sous le talon lors des premiers pas de la journée\n"
            "- Douleur après une longue station debout ou une longue marche\n"
            "- Zone sensible sur la face interne du talon"
        ),
        "diagnosis": "Le diagnostic repose sur vos explications et sur un examen du pied.",
        "treatment": (
            "Réduisez les activités qui aggravent la douleur, portez des chaussures qui "
            "soutiennent bien le pied et commencez à étirer et à renforcer le mollet et le pied."
        ),
        "physical_therapy": (
            "La kinésithérapie associe gestion de la charge, exercices et conseils sur les "
            "chaussures. Le traitement peut comprendre\u00a0:"
        ),
        "prevention": (
            "Augmentez progressivement la marche et la course, et remplacez vos chaussures usées."
        ),
    },
    "hamstring-strain": {
        "title": "Lésion des ischio-jambiers",
        "slug": "lesion-des-ischio-jambiers",
        "alternate_names": [
            "claquage des ischio-jambiers",
            "élongation des ischio-jambiers",
            "déchirure des ischio-jambiers",
            "claquage à l'arrière de la cuisse",
        ],
        "summary": (
            "Une douleur soudaine à l'arrière de la cuisse lors d'un sprint ou d'une frappe de "
            "balle, due à une déchirure des muscles ischio-jambiers."
        ),
        "overview": (
            "Une lésion des ischio-jambiers est une déchirure d'une partie des fibres des muscles "
            "situés à l'arrière de la cuisse. Elle survient généralement à grande vitesse, lorsque "
            "le muscle travaille fort tout en s'allongeant."
        ),
        "symptoms": (
            "- Douleur vive et soudaine à l'arrière de la cuisse\n"
            "- Douleur quand vous pliez le genou contre une résistance ou lors d'un étirement\n"
            "- Parfois, un hématome (un «\u00a0bleu\u00a0») quelques jours plus tard"
        ),
        "diagnosis": (
            "Un kinésithérapeute évalue la gravité de la lésion à partir de vos explications et "
            "d'un examen\u202f; les déchirures importantes peuvent nécessiter une imagerie."
        ),
        "treatment": (
            "Des mouvements doux et de la marche dès les premiers jours, tant que cela reste "
            "confortable, puis un renforcement progressif."
        ),
        "physical_therapy": (
            "La kinésithérapie vous accompagne des premiers jours jusqu'à la course à pleine "
            "vitesse, avec des tests avant votre retour au sport. Le traitement peut "
            "comprendre\u00a0:"
        ),
        "prevention": (
            "Le renforcement excentrique des ischio-jambiers et un échauffement complet réduisent "
            "le risque de lésion."
        ),
    },
    # The sample draft (DRAFT_SAMPLE): shown to staff only, like the English.
    "tennis-elbow": {
        "title": "Tennis-elbow",
        "slug": "tennis-elbow",
        "alternate_names": [
            "épicondylite latérale",
            "épicondylalgie latérale",
            "épicondylite",
            "coude du tennisman",
            "douleur externe du coude",
        ],
        "summary": (
            "Une douleur sur la face externe du coude quand vous serrez un objet dans la main ou "
            "soulevez une charge."
        ),
        "overview": (
            "Le tennis-elbow est une surcharge des tendons qui s'attachent sur la face externe du "
            "coude. Malgré son nom, la plupart des personnes concernées ne jouent pas au tennis."
        ),
    },
}

# English name -> French; the seed's "Causes" bullets, then the other names demo.py uses.
RISK_FACTORS = {
    "Dehydration": {
        "name": "Déshydratation",
        "description": (
            "Vous perdez plus de liquide que vous n'en buvez, par la transpiration lors de séances "
            "longues ou par forte chaleur. Buvez régulièrement avant, pendant et après "
            "l'effort\u202f; la soif et des urines foncées sont des signes tardifs."
        ),
    },
    "Low salt levels (potassium and sodium)": {
        "name": "Manque de sels minéraux (potassium et sodium)",
        "description": "",
    },
    "Inadequate carbohydrate intake": {
        "name": "Apport insuffisant en glucides",
        "description": "",
    },
    "Excessive muscle tightness": {
        "name": "Tension musculaire excessive",
        "description": (
            "Des muscles raccourcis ou moins souples, souvent après un changement dans "
            "l'entraînement."
        ),
    },
    "Neural tightness": {
        "name": "Tension neurale (nerfs moins mobiles)",
        "description": "",
    },
    "Muscle weakness": {
        "name": "Faiblesse musculaire",
        "description": (
            "Des muscles qui se fatiguent vite reportent davantage de charge sur les tendons, les "
            "os et les articulations. Un renforcement musculaire deux ou trois fois par semaine "
            "aide à l'éviter."
        ),
    },
    "Muscle or neural fatigue": {
        "name": "Fatigue musculaire ou neuromusculaire",
        "description": "",
    },
    "Excessive training or activity (particularly running or running sports)": {
        "name": (
            "Excès d'entraînement ou d'activité (en particulier la course à pied ou les sports "
            "de course)"
        ),
        "description": (
            "Plus de course, de sauts ou de séances que votre corps n'en a l'habitude. Un "
            "programme qui progresse pas à pas et prévoit des jours de repos réduit le risque."
        ),
    },
    "A lack of fitness or conditioning": {
        "name": "Manque de condition physique ou de préparation",
        "description": "",
    },
    "Joint stiffness (particularly of the ankle, heel or foot)": {
        "name": "Raideur articulaire (en particulier de la cheville, du talon ou du pied)",
        "description": "",
    },
    "Poor biomechanics of the foot (such as flat feet)": {
        "name": "Mauvaise biomécanique du pied (par exemple des pieds plats)",
        "description": (
            "La façon dont votre pied bouge et encaisse les charges. Un kinésithérapeute peut "
            "l'évaluer et vous proposer des exercices, des chaussures adaptées ou des semelles "
            "orthopédiques."
        ),
    },
    "Inappropriate footwear, equipment or training surfaces": {
        "name": "Chaussures, équipement ou surfaces d'entraînement inadaptés",
        "description": (
            "Des chaussures usées ou inadaptées, un équipement mal réglé, un passage brutal à des "
            "surfaces dures ou irrégulières."
        ),
    },
    "Certain medications": {
        "name": "Certains médicaments",
        "description": "",
    },
    "Poor recovery strategies between training sessions or matches": {
        "name": "Mauvaise récupération entre les séances d'entraînement ou les matchs",
        "description": "",
    },
    "A lack of sleep": {
        "name": "Manque de sommeil",
        "description": "",
    },
    "A sudden increase in training load": {
        "name": "Augmentation brutale de la charge d'entraînement",
        "description": (
            "Un changement important de distance, de vitesse, de dénivelé ou de nombre de séances "
            "par semaine en peu de temps. Les tissus s'adaptent à la charge en quelques semaines, "
            "pas en quelques jours."
        ),
    },
    "Previous injury": {
        "name": "Blessure antérieure",
        "description": (
            "Une blessure précédente au même endroit, surtout si sa rééducation n'a pas été menée "
            "jusqu'au bout."
        ),
    },
    "Increasing age": {
        "name": "Avancée en âge",
        "description": (
            "Avec l'âge, les tendons et les muscles récupèrent plus lentement\u00a0: la charge "
            "doit donc augmenter plus progressivement."
        ),
    },
    "Poor balance": {
        "name": "Manque d'équilibre",
        "description": "",
    },
    "Excess body weight": {
        "name": "Surpoids",
        "description": "",
    },
    "Inadequate warm-up": {
        "name": "Échauffement insuffisant",
        "description": "",
    },
}

# English name -> French; the seed's "Physical therapy" bullets, then taping (demo.py only).
TREATMENTS = {
    "soft tissue massage": {"name": "massage des tissus mous", "description": ""},
    "stretches": {"name": "étirements", "description": ""},
    "joint mobilization": {"name": "mobilisation articulaire", "description": ""},
    "heat treatment": {"name": "application de chaleur", "description": ""},
    "electrotherapy (e.g. ultrasound)": {
        "name": "électrothérapie (par exemple ultrasons)",
        "description": "",
    },
    "exercises to improve strength, flexibility, fitness or balance": {
        "name": "exercices pour améliorer la force, la souplesse, la condition physique ou "
        "l'équilibre",
        "description": "",
    },
    "education": {"name": "éducation du patient", "description": ""},
    "activity modification advice": {
        "name": "conseils pour adapter vos activités",
        "description": "",
    },
    "biomechanical correction": {"name": "correction biomécanique", "description": ""},
    "footwear advice": {"name": "conseils sur le choix des chaussures", "description": ""},
    "a gradual return to activity program": {
        "name": "programme de reprise progressive de l'activité",
        "description": "",
    },
    "taping or bracing": {"name": "strapping (taping) ou orthèse", "description": ""},
}

# "When to get urgent help" (demo.RED_FLAGS), by English slug: (sign, meaning), in the same order
# as the English. Demo content, the clinic's own article's included, for clinical review.
RED_FLAGS = {
    "calf-cramps": [
        (
            "Un mollet gonflé, chaud et rouge, ou un essoufflement",
            "peut être un caillot de sang dans la jambe ou les poumons (phlébite ou embolie "
            "pulmonaire)",
        ),
        (
            "Des crampes avec une faiblesse, un engourdissement ou des fourmillements dans la "
            "jambe",
            "peut être un problème de nerfs ou de circulation qu'un médecin doit examiner",
        ),
        (
            "Des crampes fréquentes sans cause évidente, ou depuis le début d'un nouveau "
            "médicament",
            "un médecin peut vérifier vos médicaments et prescrire une prise de sang",
        ),
        (
            "Des crampes qui reviennent sans cesse avec l'entraînement",
            "un kinésithérapeute peut trouver et traiter ce qui les déclenche",
        ),
    ],
    "shin-splints": [
        (
            "Une douleur intense qui s'aggrave dans une jambe tendue et gonflée, ou un pied "
            "engourdi",
            "peut être une hausse de pression dans les muscles (syndrome des loges aigu)",
        ),
        (
            "Une douleur en un point précis de l'os, la nuit ou au repos, ou qui vous fait boiter",
            "peut être une fracture de fatigue",
        ),
        (
            "Une douleur au tibia qui revient chaque fois que vous courez",
            "votre entraînement et la force de la jambe peuvent être ajustés",
        ),
    ],
    "achilles-tendinopathy": [
        (
            "Un claquement soudain ou l'impression d'un coup de pied à l'arrière de la cheville, "
            "puis du mal à pousser sur le pied ou à vous mettre sur la pointe des pieds",
            "peut être une rupture du tendon d'Achille",
        ),
        (
            "Une raideur ou une douleur à l'arrière de la cheville depuis plus de quelques "
            "semaines",
            "un programme de mise en charge aide la plupart des tendons à guérir",
        ),
    ],
    "patellofemoral-pain-syndrome": [
        (
            "Un genou chaud, rouge et gonflé, surtout avec de la fièvre",
            "peut être une infection de l'articulation",
        ),
        (
            "Un genou qui a gonflé rapidement après une blessure, qui se bloque ou se dérobe",
            "peut être une lésion d'un ligament ou du cartilage",
        ),
        (
            "Une douleur autour de la rotule dans les escaliers ou accroupi depuis plus de "
            "quelques semaines",
            "le renforcement et des conseils sur la charge aident en général",
        ),
    ],
    "ankle-sprain": [
        (
            "Une cheville déformée, ou un pied froid, pâle ou engourdi",
            "peut être une luxation, ou un vaisseau sanguin ou un nerf touché",
        ),
        (
            "Vous ne pouvez pas faire quatre pas, ou l'os de la cheville ou du milieu du pied est "
            "très douloureux au toucher",
            "peut être une fracture qui demande une radiographie",
        ),
        (
            "Une cheville qui se dérobe souvent, ou un gonflement qui ne s'est pas résorbé après "
            "quelques semaines",
            "le travail de l'équilibre et de la force réduit le risque d'une nouvelle entorse",
        ),
    ],
    "plantar-fasciitis": [
        (
            "Une douleur au talon après une chute ou un saut, ou un talon trop douloureux pour "
            "vous tenir debout",
            "peut être une fracture",
        ),
        (
            "Une douleur au talon toujours présente après quelques semaines d'activité réduite",
            "les exercices, le choix des chaussures et des conseils sur la charge aident en "
            "général",
        ),
    ],
    "hamstring-strain": [
        (
            "Un mollet ou une cuisse gonflés, chauds et rouges, ou un essoufflement, dans les "
            "semaines qui suivent la blessure",
            "peut être un caillot de sang dans la jambe ou les poumons",
        ),
        (
            "Un claquement et une douleur soudaine en haut de l'arrière de la cuisse, près de la "
            "fesse, avec un gros hématome ou du mal à marcher",
            "peut être un tendon arraché de l'os, qui peut nécessiter rapidement l'avis d'un "
            "chirurgien",
        ),
        (
            "Une lésion qui récidive, ou une douleur quand vous essayez de sprinter à nouveau",
            "un programme de retour au sport réduit le risque d'une nouvelle lésion",
        ),
    ],
    "tennis-elbow": [
        (
            "Un coude chaud, rouge et gonflé, ou une douleur au coude après une chute",
            "peut être une infection ou une fracture",
        ),
        (
            "Une douleur sur la face externe du coude quand vous serrez un objet, depuis plus de "
            "quelques semaines",
            "un programme de renforcement progressif aide en général",
        ),
    ],
}
