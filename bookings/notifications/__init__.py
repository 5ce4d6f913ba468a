"""What the clinic tells patients and therapists: emails (`emails`), the calendar files they carry
and the therapists' feeds (`calendars`), the outbox that delivers them after commit (`outbox`), and
the reminders sent ahead of each appointment (`reminders`)."""
