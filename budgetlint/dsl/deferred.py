"""Which `let`s of a rule only its findings need, so the generated code computes them only when an
assertion fails.

A rule reads best with its message's figures named by `let`s before the assertion (`let slips =
…`, `let name = …`), but most elements pass, and computing a message's words for each of them
made the rewritten rulebook slower than the one with everything inline. A `let` is deferred when
no `for`, `when`, assertion, guard or other computed-for-every-element `let` after it reads its
name — only `at`, `message` and `message_en` (directly or through other deferred lets) — and when
nothing after it binds a name it reads (so computing it later gives the same value). It is then
computed inside the failing branch of each assertion whose finding needs it, in its order.

A deferred `let` that raises (a type error) does so only for a finding, and one that no finding
reads is computed for every element as before, so its static errors are still reported.
"""

from __future__ import annotations

from budgetlint.dsl import ast


def names_in(node) -> set[str]:
    """Every name an expression (or statement part, or tuple of them) reads; names a comprehension
    binds are counted too, which errs on the side of computing a let for every element."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is ast.Name:
            out.add(n.name)
        if isinstance(n, tuple):
            stack.extend(v for v in n if isinstance(v, tuple))
    return out


def _bound(step) -> set[str]:
    if type(step) is ast.For:
        return {step.name, *(step.unpack or ()), *((step.index,) if step.index else ())} - {""}
    if type(step) is ast.Let:
        return {step.name, *(step.unpack or ())} - {""}
    return set()


def _eager_reads(step) -> set[str]:
    kind = type(step)
    if kind is ast.For:
        return names_in(step.source)
    if kind is ast.When:
        return names_in(step.test)
    if kind is ast.Check:
        return names_in((step.test, step.guard))
    return set()


def _finding_reads(check: ast.Check) -> set[str]:
    return names_in((check.at, check.message, check.message_en))


def deferred_lets(steps: tuple) -> dict[int, list[int]]:
    """For each assertion (by its index in steps), the indices of the deferred lets its finding
    needs, in order; a let listed here is not computed where it stands."""
    lets = [i for i, s in enumerate(steps) if type(s) is ast.Let and not s.unpack]
    binds_twice = _names_bound_twice(steps)
    deferred: set[int] = set()
    eager_needed: set[str] = set()
    # from the last step back: a let is eager when a later eager part reads it
    for i in range(len(steps) - 1, -1, -1):
        step = steps[i]
        if type(step) is ast.Let:
            if i in lets and step.name not in eager_needed and step.name not in binds_twice:
                later_bound = set().union(*(_bound(s) for s in steps[i + 1 :]))
                if not names_in(step.value) & later_bound:
                    deferred.add(i)
                    continue
            eager_needed -= _bound(step)
            eager_needed |= names_in(step.value)
        else:
            eager_needed |= _eager_reads(step)
    plan: dict[int, list[int]] = {}
    used: set[int] = set()
    for c, check in enumerate(steps):
        if type(check) is not ast.Check:
            continue
        wanted = _finding_reads(check)
        needed: list[int] = []
        for i in sorted((d for d in deferred if d < c), reverse=True):
            if steps[i].name in wanted:
                needed.append(i)
                wanted |= names_in(steps[i].value)
        if needed:
            plan[c] = sorted(needed)
            used.update(needed)
    # a deferred let no finding reads is left out of the plan: computed where it stands, as
    # before (its static check still runs)
    return plan


def _names_bound_twice(steps: tuple) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for s in steps:
        for name in _bound(s):
            (twice if name in seen else seen).add(name)
    return twice
