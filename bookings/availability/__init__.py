"""Free start times: working hours minus time off minus active appointments (with their buffers).

`slots` computes them; `busy` holds the sources it subtracts, one function each. Everything
callers use is importable from here (`from bookings.availability import free_slots`).
"""

from bookings.availability.slots import (
    FreeSlots,
    Slot,
    distinct_starts,
    free_slots,
    free_therapists_at,
    nearest_free_slots,
    slot_is_free,
    slots_by_day,
)

# The clinic's clock lives in clinic/clock.py; these names are also read from here.
from clinic.clock import clinic_zone, clinic_zone_name, local_today, wall_clock_to_utc

__all__ = [
    "FreeSlots",
    "Slot",
    "clinic_zone",
    "clinic_zone_name",
    "distinct_starts",
    "free_slots",
    "free_therapists_at",
    "local_today",
    "nearest_free_slots",
    "slot_is_free",
    "slots_by_day",
    "wall_clock_to_utc",
]
