"""Demo content for the condition library (`python manage.py load_demo`; safe to run again).

The clinic's own article is imported from `conditions/seeds/` through the import command's code.
The other conditions are sample articles written for this project: they are flagged `is_sample`,
and their pages say they are sample content, not clinical advice.
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils.translation import override

from conditions import demo_fr
from conditions.importer import ParsedArticle, import_article_file, save_article
from conditions.models import (
    BodyRegion,
    Condition,
    RedFlag,
    RiskFactor,
    SearchSynonyms,
    Treatment,
)
from conditions.sections import SECTION_NAMES

SEED = Path(__file__).resolve().parent / "seeds" / "calf-cramps.txt"
SAMPLE_REVIEWER = "Demo reviewer, PT, DPT (sample)"

# Shared rows, by name (the seed's own names where the seed has them).
OVERTRAINING = "Excessive training or activity (particularly running or running sports)"
TRAINING_JUMP = "A sudden increase in training load"
FLAT_FEET = "Poor biomechanics of the foot (such as flat feet)"
FOOTWEAR = "Inappropriate footwear, equipment or training surfaces"
WEAKNESS = "Muscle weakness"
TIGHTNESS = "Excessive muscle tightness"
STIFF_ANKLE = "Joint stiffness (particularly of the ankle, heel or foot)"
FATIGUE = "Muscle or neural fatigue"
UNFIT = "A lack of fitness or conditioning"
PREVIOUS_INJURY = "Previous injury"
AGE = "Increasing age"

MASSAGE = "soft tissue massage"
STRETCHES = "stretches"
MOBILIZATION = "joint mobilization"
EXERCISES = "exercises to improve strength, flexibility, fitness or balance"
EDUCATION = "education"
MODIFY = "activity modification advice"
BIOMECHANICS = "biomechanical correction"
FOOTWEAR_ADVICE = "footwear advice"
RETURN = "a gradual return to activity program"
TAPING = "taping or bracing"

# (name, category, modifiable, description): filled in only where an editor has not.
RISK_FACTOR_DETAILS = [
    (
        "Dehydration",
        RiskFactor.Category.NUTRITION,
        True,
        "Losing more fluid than you drink, through sweat in long or hot sessions. Drink regularly "
        "before, during and after exercise; thirst and dark urine are late signs.",
    ),
    (
        OVERTRAINING,
        RiskFactor.Category.TRAINING,
        True,
        "More running, jumping or sessions than your body has adapted to. A plan that builds up "
        "gradually and includes rest days lowers the risk.",
    ),
    (
        TRAINING_JUMP,
        RiskFactor.Category.TRAINING,
        True,
        "A big change in distance, speed, hills or sessions per week in a short time. "
        "Tissues adapt to load over weeks, not days.",
    ),
    (
        FLAT_FEET,
        RiskFactor.Category.BIOMECHANICS,
        True,
        "How the foot moves and takes load. A physical therapist can assess it and suggest "
        "exercises, footwear or orthotics.",
    ),
    (
        FOOTWEAR,
        RiskFactor.Category.BIOMECHANICS,
        True,
        "Worn-out or unsuitable shoes, poorly fitted equipment, and sudden changes to hard or "
        "uneven surfaces.",
    ),
    (
        WEAKNESS,
        RiskFactor.Category.MUSCLE_JOINT,
        True,
        "Muscles that tire early pass more load to tendons, bones and joints. Strength training "
        "two or three times a week helps.",
    ),
    (
        TIGHTNESS,
        RiskFactor.Category.MUSCLE_JOINT,
        True,
        "Reduced muscle length or flexibility, often after a change in training.",
    ),
    (
        PREVIOUS_INJURY,
        RiskFactor.Category.MEDICAL,
        False,
        "An earlier injury of the same area, especially one that was not fully rehabilitated.",
    ),
    (
        AGE,
        RiskFactor.Category.OTHER,
        False,
        "Tendons and muscles recover more slowly with age, so load needs to build more gradually.",
    ),
]

TREATMENT_KINDS = {
    MASSAGE: Treatment.Kind.MANUAL,
    MOBILIZATION: Treatment.Kind.MANUAL,
    STRETCHES: Treatment.Kind.EXERCISE,
    EXERCISES: Treatment.Kind.EXERCISE,
    RETURN: Treatment.Kind.EXERCISE,
    EDUCATION: Treatment.Kind.EDUCATION,
    MODIFY: Treatment.Kind.EDUCATION,
    FOOTWEAR_ADVICE: Treatment.Kind.EQUIPMENT,
    BIOMECHANICS: Treatment.Kind.EQUIPMENT,
    TAPING: Treatment.Kind.EQUIPMENT,
    "heat treatment": Treatment.Kind.MODALITY,
    "electrotherapy (e.g. ultrasound)": Treatment.Kind.MODALITY,
}

SAMPLES = [
    {
        "title": "Shin Splints",
        "alternate_names": ["medial tibial stress syndrome", "MTSS"],
        "regions": ["lower-leg"],
        "summary": "Pain along the inner edge of the shin bone that comes on with running or "
        "jumping, usually after a change in training.",
        "overview": "Shin splints is a common name for pain along the inner border of the shin "
        "bone (tibia). It is an overload problem: the bone and the tissues attached to it are "
        "asked to take more load than they have adapted to.",
        "symptoms": "- Aching pain along the inner shin during or after exercise\n"
        "- Tenderness over a few centimetres of the bone\n"
        "- Pain that eases with rest and returns with running",
        "diagnosis": "A therapist diagnoses shin splints from your history and an examination. "
        "Pain in one small spot, or pain at rest, may need imaging to rule out a stress fracture.",
        "treatment": "Reduce the activities that provoke pain, keep fit with low-impact exercise "
        "such as cycling or swimming, and address the training changes that started it.",
        "physical_therapy": "Physical therapy looks at your training, footwear and how you move, "
        "and builds the leg back up to the load your sport needs. Treatment may include:",
        "prevention": "Increase running distance gradually, replace worn shoes and include "
        "strength work for the calf and hip.",
        "risk_factors": [OVERTRAINING, TRAINING_JUMP, FLAT_FEET, FOOTWEAR, WEAKNESS, TIGHTNESS],
        "treatments": [MASSAGE, MODIFY, BIOMECHANICS, FOOTWEAR_ADVICE, EXERCISES, RETURN],
        "related": ["calf-cramps", "achilles-tendinopathy"],
        "review": (date(2026, 9, 14), date(2027, 9, 14)),
    },
    {
        "title": "Achilles Tendinopathy",
        "alternate_names": ["Achilles tendinitis", "Achilles tendonitis"],
        "regions": ["lower-leg", "ankle-foot"],
        "summary": "Pain and stiffness in the Achilles tendon at the back of the ankle, often "
        "worst first thing in the morning.",
        "overview": "The Achilles tendon joins the calf muscles to the heel bone. Tendinopathy "
        "means the tendon has become painful and less able to take load, usually after a period "
        "of more running or jumping than it was ready for.",
        "anatomy": "The two calf muscles, gastrocnemius and soleus, join into the Achilles "
        "tendon, which inserts into the back of the heel bone.",
        "symptoms": "- Stiffness at the back of the ankle in the morning\n"
        "- Pain at the start of exercise that may ease as you warm up\n"
        "- A tender or thickened area in the tendon",
        "diagnosis": "Diagnosis is usually made by a therapist from your history and an "
        "examination; ultrasound can help when the picture is unclear.",
        "treatment": "Tendons respond to the right amount of load. Complete rest tends to weaken "
        "them; a progressive loading programme is the main treatment.",
        "physical_therapy": "Physical therapy sets and progresses a loading programme and "
        "addresses what overloaded the tendon. Treatment may include:",
        "prevention": "Build up training gradually and keep the calf strong with regular heel "
        "raises.",
        "risk_factors": [TRAINING_JUMP, TIGHTNESS, WEAKNESS, STIFF_ANKLE, FLAT_FEET, FOOTWEAR, AGE],
        "treatments": [EDUCATION, EXERCISES, MASSAGE, MODIFY, FOOTWEAR_ADVICE, RETURN],
        "related": ["calf-cramps", "plantar-fasciitis", "shin-splints"],
        "review": (date(2025, 12, 1), date(2026, 12, 10)),
    },
    {
        "title": "Patellofemoral Pain Syndrome",
        "alternate_names": ["runner's knee", "anterior knee pain"],
        "regions": ["knee"],
        "summary": "Pain around or behind the kneecap, brought on by stairs, squatting, running "
        "or sitting for a long time.",
        "overview": "Patellofemoral pain is pain at the front of the knee, where the kneecap "
        "(patella) glides over the thigh bone. It is common in runners and in sports with "
        "jumping and changes of direction.",
        "symptoms": "- A dull ache around or behind the kneecap\n"
        "- Pain going down stairs or squatting\n"
        "- Pain after sitting with the knees bent",
        "diagnosis": "A therapist makes the diagnosis from your history and an examination of "
        "the knee, hip and foot. Scans are rarely needed.",
        "treatment": "Settle pain by adjusting the activities that provoke it, then rebuild "
        "strength around the hip and knee.",
        "physical_therapy": "Physical therapy focuses on strength, load management and movement. "
        "Treatment may include:",
        "prevention": "Keep the hip and thigh muscles strong and increase training gradually.",
        "risk_factors": [TRAINING_JUMP, WEAKNESS, FLAT_FEET, TIGHTNESS, FOOTWEAR],
        "treatments": [EXERCISES, TAPING, MODIFY, BIOMECHANICS, EDUCATION],
        "related": ["shin-splints"],
        "review": (date(2026, 8, 20), date(2027, 8, 20)),
    },
    {
        "title": "Ankle Sprain",
        "alternate_names": ["rolled ankle", "twisted ankle"],
        "regions": ["ankle-foot"],
        "summary": "An injury to the ligaments of the ankle, usually from rolling the foot "
        "inwards on landing or changing direction.",
        "overview": "An ankle sprain stretches or tears one or more ligaments, most often those "
        "on the outside of the ankle. Most sprains recover well with early, guided exercise.",
        "symptoms": "- Pain and swelling on the outside of the ankle\n"
        "- Bruising over the following days\n"
        "- Difficulty taking weight or feeling that the ankle gives way",
        "diagnosis": "A therapist examines the ankle and checks whether an X-ray is needed to "
        "rule out a fracture.",
        "treatment": "Protect the ankle for the first days, keep it moving within comfort and "
        "start walking as soon as you can.",
        "physical_therapy": "Physical therapy restores movement, strength and balance so the "
        "ankle is less likely to give way again. Treatment may include:",
        "prevention": "Balance training reduces the risk of another sprain, especially in the "
        "year after the first one.",
        "risk_factors": [PREVIOUS_INJURY, "Poor balance", WEAKNESS, FOOTWEAR, UNFIT],
        "treatments": [MASSAGE, MOBILIZATION, TAPING, EXERCISES, RETURN],
        "related": ["achilles-tendinopathy"],
        "review": (date(2026, 10, 5), date(2027, 10, 5)),
    },
    {
        "title": "Plantar Fasciitis",
        "alternate_names": ["plantar heel pain", "policeman's heel"],
        "regions": ["ankle-foot"],
        "summary": "Pain under the heel, sharpest with the first steps in the morning or after "
        "sitting.",
        "overview": "The plantar fascia is a thick band of tissue under the foot, from the heel "
        "to the toes. When it is overloaded the heel becomes painful, especially when you first "
        "stand up.",
        "symptoms": "- Sharp pain under the heel on the first steps of the day\n"
        "- Pain after standing or walking for a long time\n"
        "- Tenderness on the inside of the heel",
        "diagnosis": "The diagnosis is made from your history and an examination of the foot.",
        "treatment": "Reduce aggravating activities, wear supportive footwear and start "
        "stretching and strengthening the calf and foot.",
        "physical_therapy": "Physical therapy combines load management, exercise and footwear "
        "advice. Treatment may include:",
        "prevention": "Increase walking and running gradually and replace worn shoes.",
        "risk_factors": [FLAT_FEET, TIGHTNESS, FOOTWEAR, TRAINING_JUMP, AGE, "Excess body weight"],
        "treatments": [STRETCHES, MASSAGE, FOOTWEAR_ADVICE, TAPING, EXERCISES, EDUCATION],
        "related": ["achilles-tendinopathy"],
        "review": (date(2026, 7, 1), date(2027, 7, 1)),
    },
    {
        "title": "Hamstring Strain",
        "alternate_names": ["pulled hamstring", "torn hamstring"],
        "regions": ["thigh"],
        "summary": "A sudden pain at the back of the thigh during sprinting or kicking, from a "
        "tear in the hamstring muscles.",
        "overview": "A hamstring strain is a tear of some fibres of the muscles at the back of "
        "the thigh. It usually happens at high speed, when the muscle is working hard while "
        "lengthening.",
        "symptoms": "- Sudden sharp pain at the back of the thigh\n"
        "- Pain when bending the knee against resistance or stretching\n"
        "- Sometimes bruising a few days later",
        "diagnosis": "A therapist grades the strain from your history and an examination; large "
        "tears may need a scan.",
        "treatment": "Early gentle movement and walking within comfort, followed by progressive "
        "strengthening.",
        "physical_therapy": "Physical therapy guides you from the first days back to full-speed "
        "running, with tests before you return to sport. Treatment may include:",
        "prevention": "Eccentric hamstring strengthening and a thorough warm-up lower the risk "
        "of strains.",
        "risk_factors": [PREVIOUS_INJURY, WEAKNESS, TIGHTNESS, FATIGUE, "Inadequate warm-up", AGE],
        "treatments": [MASSAGE, STRETCHES, EXERCISES, RETURN, EDUCATION],
        "related": ["calf-cramps"],
        "review": (date(2026, 6, 15), date(2027, 6, 15)),
    },
]

# A draft, to show the staff preview; the public gets a 404 for it.
DRAFT_SAMPLE = {
    "title": "Tennis Elbow",
    "alternate_names": ["lateral elbow pain", "lateral epicondylalgia"],
    "regions": ["elbow-forearm"],
    "summary": "Pain on the outside of the elbow when gripping or lifting.",
    "overview": "Tennis elbow is an overload of the tendons that attach to the outside of the "
    "elbow. Despite the name, most people who have it do not play tennis.",
    "risk_factors": [OVERTRAINING, WEAKNESS],
    "treatments": [EDUCATION, EXERCISES, MODIFY],
    "related": [],
    "review": (None, None),
}

CALF_CRAMPS_EXTRAS = {"alternate_names": ["charley horse", "leg cramp", "muscle cramp"]}

EMERGENCY, TODAY, BOOK = RedFlag.Urgency.EMERGENCY, RedFlag.Urgency.TODAY, RedFlag.Urgency.BOOK
# "When to get urgent help", by English slug: (urgency, sign, meaning), in the order shown.
# Written for this project, the clinic's own article's included: demo content like the samples,
# for the clinic's clinical review before real use. The French is in demo_fr.RED_FLAGS.
RED_FLAGS = {
    "calf-cramps": [
        (
            EMERGENCY,
            "A swollen, warm, red calf, or breathlessness",
            "may be a blood clot in the leg or the lungs (DVT or pulmonary embolism)",
        ),
        (
            TODAY,
            "Cramps with weakness, numbness or pins and needles in the leg",
            "may be a nerve or circulation problem a doctor should check",
        ),
        (
            TODAY,
            "Frequent cramps with no clear cause, or since starting a new medicine",
            "a doctor can check your medicines and order blood tests",
        ),
        (
            BOOK,
            "Cramps that keep coming back with training",
            "a physical therapist can find and treat what sets them off",
        ),
    ],
    "shin-splints": [
        (
            EMERGENCY,
            "Severe, worsening pain in a tight, swollen lower leg, or a numb foot",
            "may be raised pressure in the muscles (acute compartment syndrome)",
        ),
        (
            TODAY,
            "Pain in one small spot on the bone, pain at night or at rest, or pain that makes "
            "you limp",
            "may be a stress fracture",
        ),
        (
            BOOK,
            "Shin pain that comes back every time you run",
            "your training and the leg's strength can be adjusted",
        ),
    ],
    "achilles-tendinopathy": [
        (
            TODAY,
            "A sudden snap or a feeling of being kicked at the back of the ankle, then trouble "
            "pushing off or standing on tiptoe",
            "may be a torn (ruptured) Achilles tendon",
        ),
        (
            BOOK,
            "Stiffness or pain at the back of the ankle for more than a few weeks",
            "a loading programme helps most tendons recover",
        ),
    ],
    "patellofemoral-pain-syndrome": [
        (
            TODAY,
            "A hot, red, swollen knee, especially with a fever",
            "may be an infection in the joint",
        ),
        (
            TODAY,
            "A knee that swelled quickly after an injury, locks or gives way",
            "may be a ligament or cartilage injury",
        ),
        (
            BOOK,
            "Pain around the kneecap on stairs or squatting for more than a few weeks",
            "strength work and load advice usually help",
        ),
    ],
    "ankle-sprain": [
        (
            EMERGENCY,
            "An ankle that looks out of shape, or a foot that is cold, pale or numb",
            "may be a dislocation or an injured blood vessel or nerve",
        ),
        (
            TODAY,
            "You cannot take four steps on it, or the bone at the ankle or the middle of the "
            "foot is very tender",
            "may be a broken bone that needs an X-ray",
        ),
        (
            BOOK,
            "An ankle that keeps giving way, or swelling that has not settled after a few weeks",
            "balance and strength training lowers the risk of another sprain",
        ),
    ],
    "plantar-fasciitis": [
        (
            TODAY,
            "Heel pain after a fall or a jump, or a heel too painful to stand on",
            "may be a broken bone",
        ),
        (
            BOOK,
            "Heel pain that is still there after a few weeks of easing off",
            "exercise, footwear and load advice usually help",
        ),
    ],
    "hamstring-strain": [
        (
            EMERGENCY,
            "A swollen, warm, red calf or thigh, or breathlessness, in the weeks after the injury",
            "may be a blood clot in the leg or the lungs",
        ),
        (
            TODAY,
            "A pop and sudden pain high at the back of the thigh, near the buttock, with large "
            "bruising or trouble walking",
            "may be a tendon torn from the bone, which may need a surgeon's opinion soon",
        ),
        (
            BOOK,
            "A strain that keeps coming back, or pain when you try to sprint again",
            "a return-to-sport programme lowers the risk of another strain",
        ),
    ],
    "tennis-elbow": [
        (
            TODAY,
            "A hot, red, swollen elbow, or elbow pain after a fall",
            "may be an infection or a broken bone",
        ),
        (
            BOOK,
            "Pain on the outside of the elbow when gripping, for more than a few weeks",
            "a graded strengthening programme usually helps",
        ),
    ],
}


@override(settings.LANGUAGE_CODE)  # English fields by name; the French by their own (_fr)
def load(command):
    BodyRegion.ensure_defaults()
    SearchSynonyms.ensure_defaults()
    result = import_article_file(SEED, publish=True)
    command.stdout.write(f"Condition library: {result.describe()}")
    calf_cramps = result.condition
    _set_fields(calf_cramps, featured=True, **CALF_CRAMPS_EXTRAS)

    samples = []
    for sample in [*SAMPLES, DRAFT_SAMPLE]:
        publish = sample is not DRAFT_SAMPLE
        condition = _save_sample(sample, publish=publish)
        samples.append((condition, sample))
    for condition, sample in samples:
        wanted = set(
            Condition.objects.filter(slug__in=sample["related"]).values_list("pk", flat=True)
        )
        if wanted - set(condition.related_conditions.values_list("pk", flat=True)):
            condition.related_conditions.add(*wanted)
    command.stdout.write(
        f"Condition library: {len(SAMPLES)} published sample conditions and 1 sample draft "
        f"({DRAFT_SAMPLE['title']}) are in place."
    )

    for name, category, modifiable, description in RISK_FACTOR_DETAILS:
        risk_factor = RiskFactor.objects.filter(name__iexact=name).first()
        if (
            risk_factor
            and risk_factor.category == RiskFactor.Category.OTHER
            and not risk_factor.description
        ):
            _set_fields(
                risk_factor, category=category, modifiable=modifiable, description=description
            )
    for name, kind in TREATMENT_KINDS.items():
        treatment = Treatment.objects.filter(name__iexact=name).first()
        if treatment and treatment.kind == Treatment.Kind.OTHER:
            _set_fields(treatment, kind=kind)
    _load_red_flags(command)
    _load_french(command)


def _load_red_flags(command):
    """The red flags of each demo article, for an article that has none yet: an editor's own
    (or their deleting one of these) is kept."""
    added = 0
    for condition in Condition.objects.filter(slug_en__in=RED_FLAGS).exclude(
        red_flags__isnull=False
    ):
        RedFlag.objects.bulk_create(
            RedFlag(condition=condition, urgency=urgency, sign=sign, meaning=meaning, order=order)
            for order, (urgency, sign, meaning) in enumerate(RED_FLAGS[condition.slug_en], 1)
        )
        added += 1
    command.stdout.write(
        f"Condition library: red flags (demo content, for clinical review) added to {added} "
        "conditions."
    )


def _load_french(command):
    """The French of the seed article, the samples and their links (conditions/demo_fr.py), in
    the French columns; French an editor already wrote is kept."""
    translated = 0
    for condition in Condition.objects.filter(slug_en__in=demo_fr.CONDITIONS):
        french = demo_fr.CONDITIONS[condition.slug_en]
        if condition.title_fr:
            continue
        _set_fields(condition, **{f"{field}_fr": value for field, value in french.items()})
        translated += 1
    for slug, flags in RED_FLAGS.items():
        french = dict(zip((sign for _, sign, _ in flags), demo_fr.RED_FLAGS[slug], strict=True))
        for flag in RedFlag.objects.filter(
            Q(sign_fr__isnull=True) | Q(sign_fr=""), condition__slug_en=slug
        ):
            if flag.sign_en in french:
                sign, meaning = french[flag.sign_en]
                _set_fields(flag, sign_fr=sign, meaning_fr=meaning)
    for model, names in ((RiskFactor, demo_fr.RISK_FACTORS), (Treatment, demo_fr.TREATMENTS)):
        for row in model.objects.filter(name_fr__isnull=True):
            french = names.get(row.name_en)
            if french:
                _set_fields(row, name_fr=french["name"], description_fr=french["description"])
    command.stdout.write(f"Condition library: French added to {translated} conditions.")


def _save_sample(sample: dict, *, publish: bool) -> Condition:
    article = ParsedArticle(
        title=sample["title"],
        sections={name: sample[name] for name in SECTION_NAMES if sample.get(name)},
        risk_factors=sample["risk_factors"],
        treatments=sample["treatments"],
        alternate_names=sample["alternate_names"],
        summary=sample["summary"],
    )
    result = save_article(article, publish=publish)
    condition = result.condition
    last_reviewed, next_review_due = sample["review"]
    _set_fields(
        condition,
        is_sample=True,
        featured=publish,
        last_reviewed=last_reviewed,
        next_review_due=next_review_due,
        reviewed_by=SAMPLE_REVIEWER if last_reviewed else "",
    )
    regions = BodyRegion.objects.filter(slug__in=sample["regions"])
    missing = set(regions) - set(condition.body_regions.all())
    if missing:
        condition.body_regions.add(*missing)
    return condition


def _set_fields(obj, **values) -> bool:
    """Save only the fields that differ; returns whether anything changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        update_fields = changed + (["updated_at"] if hasattr(obj, "updated_at") else [])
        obj.save(update_fields=update_fields)
    return bool(changed)
