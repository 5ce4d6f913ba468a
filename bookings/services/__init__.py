"""Booking rules: the only way an appointment is created, moved, cancelled or marked.

The public flow, the admin and management commands all call these functions. Each runs in one
transaction, locks what it changes, re-checks the rules and raises `ValidationError` with a code
(`common.MESSAGES` holds each code's words):

    inactive_service, inactive_therapist, service_not_offered, in_past, too_soon, past_horizon,
    outside_hours, slot_taken, patient_busy, already_submitted, already_cancelled,
    cutoff_passed, not_booked, not_yet, not_marked, undo_too_late, ends_before_start,
    covers_appointments, time_off_over

One module per concern, as pretix keeps its services: `booking` (a new appointment), `changes`
(cancel, move, the front desk's edit), `attendance`, `time_off`, `therapists`, `courses` (a plan
of visits, all or nothing), `waitlist` (joining, offers of freed times, claims), `patients`
(sign-in links, a patient's own details, export and deletion), and `common` (locks, guarded
saves, the event record, coded messages). Every public name is importable from here.

Each change to an appointment writes an `AppointmentEvent` in the same transaction: who (`actor`,
None for the patient's own online actions and for the system), what, and a sentence a person can
read ("Moved from Tue 1 Dec 10:00 to Wed 2 Dec 11:30").

A therapist's row is the lock that orders their diary: moving to them and blocking time off take
it (`_lock_therapist`) before checking, and a new booking takes it in share mode
(`_share_therapist_lock`), so a booking and time off covering it can never both succeed, while
bookings with the same therapist run side by side and the exclusion constraint decides between
two for overlapping times.

The database has the last word on overlaps (the exclusion constraints on Appointment): a
therapist's overlap becomes `slot_taken` and a patient's `patient_busy`, caught inside a savepoint
so the caller's transaction stays usable.
"""

from bookings import availability
from bookings.services.attendance import (
    correct_attendance,
    mark_attendance,
    may_mark_attendance,
    may_undo_attendance,
    undo_attendance,
)
from bookings.services.booking import (
    ATTEMPT_NOTICE_INTERVAL,
    PatientDetails,
    book_appointment,
    book_first_free,
    find_or_create_patient,
    tell_owner_of_attempt,
)
from bookings.services.changes import (
    can_change_online,
    cancel_appointment,
    reschedule_appointment,
    update_appointment,
)
from bookings.services.common import MESSAGES, refusal, refuse
from bookings.services.courses import (
    CourseConflict,
    book_course,
    cancel_rest_of_course,
    course_progress,
    plan_visits,
    preview_course,
)
from bookings.services.therapists import regenerate_calendar_token
from bookings.services.time_off import block_time_off, remove_time_off
from clinic.clock import describe_moment

__all__ = [
    "ATTEMPT_NOTICE_INTERVAL",
    "CourseConflict",
    "MESSAGES",
    "PatientDetails",
    "availability",
    "block_time_off",
    "book_appointment",
    "book_course",
    "book_first_free",
    "can_change_online",
    "cancel_appointment",
    "cancel_rest_of_course",
    "correct_attendance",
    "course_progress",
    "describe_moment",
    "find_or_create_patient",
    "mark_attendance",
    "plan_visits",
    "preview_course",
    "may_mark_attendance",
    "may_undo_attendance",
    "reschedule_appointment",
    "refusal",
    "refuse",
    "regenerate_calendar_token",
    "remove_time_off",
    "tell_owner_of_attempt",
    "undo_attendance",
    "update_appointment",
]
