"""How slots are ranked: one integer cost, lower is better; `Slot.score` is its negative.

The same weights drive the slot listing and the CP-SAT objective, so the best listed slot
and the assignment CP-SAT picks have the same cost. Per visit:

    cost = EARLIER * grid steps after the window opens
         + MISSED_DAY        if a preferred local date is given and the start is on another
         + MISSED_PART_OF_DAY  if a preferred part of day is given and the start is outside it
         + for every (seat, service) choice of a stylist:
               MISSED_STAFF  if a preferred stylist is given and this is someone else
             + LOAD * (share of that stylist's working time in the window already booked, 0..1)
             + HOLE          if it leaves an unusable gap before or after it
                             (shorter than that stylist's shortest service, but not zero)
             + VERSATILITY * number of services the stylist performs
         + for every choice of a spot: VERSATILITY * number of services the spot hosts

The weights are ordered on purpose: the requested day beats the part of day beats the
preferred stylist beats being earlier; among stylists at one start, a compact day and an
even load win; versatile stylists and spots are kept free for requests only they can take.
Equal costs are broken by earlier start, then by resource ids (deterministic).
"""

MISSED_DAY = 1_000_000
MISSED_PART_OF_DAY = 500_000
MISSED_STAFF = 100_000
EARLIER = 10  # per grid step
HOLE = 60  # = 6 grid steps: a compact day is worth starting 1.5 h later (at 15 min)
LOAD = 30
VERSATILITY = 1


def load_cost(booked_minutes: int, working_minutes: int) -> int:
    if working_minutes <= 0:
        return LOAD
    return (LOAD * min(booked_minutes, working_minutes)) // working_minutes
