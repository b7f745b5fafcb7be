"""Rebooking optimiser vs the greedy baseline on generated salons (issue 8 and 24 figures).

Generated salons (tests/solver/generated_salons.py): 10 staff, 8 spots, three days
9:00-19:00, a full first day and lighter days after it. One, two or four stylists are out
on the first day; their appointments are affected and may move to the other two days.
Fixed seeds, so runs are comparable. Every scenario runs twice: single appointments (the
issue 8 salons, unchanged), and with visits — a fifth of the appointments followed by a
second service for the same customer, planned as one unit.

Plans are reproducible: the search stops after a deterministic work budget
(``--work-limits``, CP-SAT deterministic seconds, per scenario), one worker, fixed seed.
Each instance is solved twice and the two plans compared ("same" column).

    .venv/bin/python bench/rebooking.py                  # default run, a few minutes
    .venv/bin/python bench/rebooking.py --reference      # also 20x-budget runs for ~40 affected
    .venv/bin/python bench/rebooking.py --workers 1,2    # 2: interleaved (still deterministic)
    .venv/bin/python bench/rebooking.py --only compaction

Times are wall-clock on this machine (2 cores shared with other jobs: noisy); the run
starts and ends by timing a fixed Python loop ("machine speed"): compare two runs only
next to that number. "first" is the time from the call to the first plan (model building
included); "solve" the whole call.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.machine import machine_speed  # noqa: E402
from solver.rebooking import (  # noqa: E402
    CompactionPolicy,
    RebookingPolicy,
    compact_day,
    greedy_rebooking,
    plan_conflicts,
    suggest_rebooking,
)
from tests.solver.generated_salons import generated_salon, stylists_out  # noqa: E402


def timed(function, *args):
    began = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - began


def rebooking_rows(scenarios, seeds, args, workers: int | None, visit_share: float) -> list[dict]:
    rows = []
    for out, work_limit in scenarios:
        for seed in seeds:
            salon = stylists_out(generated_salon(seed, visit_share=visit_share), out, seed)
            policy = RebookingPolicy(
                shift_window_minutes=args.shift_window,
                move_to_days=(1, 2),
                unaffected_moves=args.unaffected,
                work_limit=work_limit,
                time_limit_seconds=args.guard,
                workers=workers,
                random_seed=seed,
            )
            greedy, _ = timed(greedy_rebooking, salon, policy)
            plan, total = timed(suggest_rebooking, salon, policy)
            again, _ = timed(suggest_rebooking, salon, policy)
            same = (again.moves, again.unplaceable, again.figures) == (plan.moves, plan.unplaceable, plan.figures)
            assert not plan_conflicts(salon, plan), plan_conflicts(salon, plan)
            assert not plan_conflicts(salon, greedy), plan_conflicts(salon, greedy)
            first = (total - plan.solve_seconds) + plan.seconds_to_first_plan
            reference = None
            if args.reference and out >= 4:
                longer = replace(policy, work_limit=work_limit * 20, time_limit_seconds=args.guard * 10)
                reference = suggest_rebooking(salon, longer).figures.objective
            visits = len({a.visit_id for a in salon.appointments if a.visit_id and a.affected})
            rows.append(dict(out=out, seed=seed, greedy=greedy.figures, plan=plan, first=first, total=total,
                             reference=reference, same=same, visits=visits))
    return rows


def gap(objective: int, bound: int | None) -> str:
    if bound is None:
        return "-"
    if objective == 0:
        return "0.0%"
    return f"{100 * (objective - bound) / objective:.1f}%"


def print_rebooking(rows: list[dict], workers: int | None, visit_share: float) -> None:
    kind = f"with visits ({visit_share:.0%} of appointments have a second service)" if visit_share else \
        "single appointments"
    print(f"\n## Rebooking, {kind} (workers={workers or 1}); cells are greedy / CP-SAT")
    header = "out seed aff vis | kept      | on day    | day chg   | nudged | staff chg | minutes     | objective             | bound       gap    | status   method stop       same | first s | solve s"
    print(header)
    print("-" * len(header))
    for r in rows:
        g, p, plan = r["greedy"], r["plan"].figures, r["plan"]
        print(
            f"{r['out']:>3} {r['seed']:>4} {p.affected:>3} {r['visits']:>3} | {g.kept:>3}/{p.kept:<5} | {g.kept_on_day:>3}/{p.kept_on_day:<5} | {g.day_changes:>3}/{p.day_changes:<5} | {p.unaffected_moved:>6} | "
            f"{g.staff_changes:>3}/{p.staff_changes:<5} | {g.minutes_moved:>4}/{p.minutes_moved:<6} | {g.objective:>10}/{p.objective:<10} | "
            f"{p.best_bound if p.best_bound is not None else '-':>10} {gap(p.objective, p.best_bound):>6} | {plan.status:<8} {plan.method:<6} {plan.stopped_by:<10} {'yes' if r['same'] else 'NO':>4} | {r['first']:7.3f} | {r['total']:7.2f}"
        )
        if r["reference"] is not None:
            ref = r["reference"]
            within = p.objective <= ref * 1.10
            print(f"{'':>17}20x-budget reference objective {ref}; this plan within 10 %: {within}")
    by_out: dict[int, list[dict]] = {}
    for r in rows:
        by_out.setdefault(r["out"], []).append(r)
    print("\nsummary per scenario:")
    for out, group in sorted(by_out.items()):
        totals = sorted(r["total"] for r in group)
        firsts = sorted(r["first"] for r in group)
        optimal = sum(r["plan"].status == "optimal" for r in group)
        worse = sum(
            r["plan"].figures.kept < r["greedy"].kept or r["plan"].figures.objective > r["greedy"].objective for r in group
        )
        better = sum(r["plan"].figures.objective < r["greedy"].objective for r in group)
        affected = [r["plan"].figures.affected for r in group]
        same = sum(r["same"] for r in group)
        line = (
            f"  {out} out: affected {min(affected)}-{max(affected)}, proven optimal {optimal}/{len(group)}, "
            f"p95 solve {p95(totals):.2f} s, max first plan {max(firsts):.3f} s, better than greedy {better}, "
            f"worse {worse}, same plan twice {same}/{len(group)}"
        )
        refs = [r for r in group if r["reference"] is not None]
        if refs:
            within = sum(r["plan"].figures.objective <= r["reference"] * 1.10 for r in refs)
            line += f", within 10 % of a 20x budget {within}/{len(refs)}"
        print(line)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def compaction_rows(seeds, args) -> None:
    print("\n## Compaction (day 0 at 70 % load, only customers who accept moves; chosen stylists kept)")
    header = "seed appts moved share | median largest block before -> after (min) | gain  | minutes | status   | solve s"
    print(header)
    print("-" * len(header))
    gains = []
    medians = ([], [])
    for seed in seeds:
        salon = generated_salon(seed, first_day_load=0.7)
        policy = CompactionPolicy(work_limit=args.compaction_limit, random_seed=seed)
        plan, total = timed(compact_day, salon, 0, policy)
        assert not plan_conflicts(salon, plan), plan_conflicts(salon, plan)
        before, after = plan.median_largest_block_before, plan.median_largest_block_after
        gain = (after - before) / before if before else 0.0
        gains.append(gain)
        medians[0].append(before)
        medians[1].append(after)
        share = len(plan.moves) / plan.appointments_on_day
        print(
            f"{seed:>4} {plan.appointments_on_day:>5} {len(plan.moves):>5} {share:5.0%} | "
            f"{before:>26.1f} -> {after:<14.1f} | {gain:5.0%} | {plan.minutes_moved:>7} | {plan.status:<8} | {total:7.2f}"
        )
    print(
        f"  median of per-day median largest free block: {statistics.median(medians[0]):.1f} -> {statistics.median(medians[1]):.1f} min; "
        f"median gain {statistics.median(gains):.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10, help="instances per scenario")
    parser.add_argument("--reference", action="store_true", help="also solve ~40-affected instances with 20x the budget")
    parser.add_argument("--workers", default="auto", help="comma-separated worker counts to compare (auto: the policy's choice)")
    parser.add_argument("--shift-window", type=int, default=180, help="policy: how far in time of day a move may go")
    parser.add_argument("--work-limits", default="0.4,0.4,0.4", help="deterministic work budgets for 1, 2 and 4 out "
                                                                         "(the default policy: 0.4)")
    parser.add_argument("--guard", type=float, default=60.0, help="wall-clock guard per solve (s)")
    parser.add_argument("--visits", type=float, default=0.2, help="share of appointments with a second service "
                                                                   "in the visits run (0: skip it)")
    parser.add_argument("--out", default="1,2,4", help="which scenarios (stylists out) to run")
    parser.add_argument("--unaffected", default="none", choices=["none", "accepting", "any"], help="policy: who else may be nudged")
    parser.add_argument("--compaction-limit", type=float, default=0.4, help="compaction's work budget")
    parser.add_argument("--only", choices=["rebooking", "compaction"])
    args = parser.parse_args()
    args.workers_list = [None if w == "auto" else int(w) for w in args.workers.split(",")]
    limits = [float(x) for x in args.work_limits.split(",")]
    seeds = range(1, args.seeds + 1)
    began = time.perf_counter()
    import ortools.sat.python.cp_model  # noqa: F401  (import once, outside the timings)

    print(machine_speed() + " (start)")
    if args.only != "compaction":
        for workers in args.workers_list:
            wanted = {int(x) for x in args.out.split(",")}
            scenarios = [(out, limit) for out, limit in zip((1, 2, 4), limits) if out in wanted]
            for share in dict.fromkeys((0.0, args.visits)):
                rows = rebooking_rows(scenarios, seeds, args, workers, share)
                print_rebooking(rows, workers, share)
    if args.only != "rebooking":
        compaction_rows(seeds, args)
    print(machine_speed() + " (end)")
    print(f"\nbench took {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
