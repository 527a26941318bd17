//! The decision at each suspension point. From the uses the walk recorded
//! (see `walk`), it says which bindings in scope hold a value there that
//! matters later (stored in the variant), which are moved on some paths
//! only, or assigned on some only (kept with a drop flag), which the
//! resumed code assigns again
//! (declared anew), and which are kept only for their destructor.

use super::*;

/// Does what `info` borrows get used again after `info`'s last use? Then
/// its borrow of it is dead there (`let first = slot.get_or_insert_with(f);
/// out.push(first.0); slot.replace(x.await)`): rustc accepts the body only
/// if dropping the value does not use that borrow (a `&mut D`, or a struct
/// of a `D` and a `&mut`), but moving the value (a typed copy) would, and
/// Miri's borrow models then see a dead tag retagged. Such a value is only
/// dropped in place, as rustc's state machine does.
pub(super) fn borrow_ended(r: &Resolver, info: &BindingInfo) -> bool {
    if info.reference || info.sources.is_empty() {
        return false;
    }
    let last = info.uses.iter().map(|u| u.pos).max().unwrap_or(0);
    info.sources
        .iter()
        .filter_map(|s| r.bindings.get(s))
        .any(|s| s.uses.iter().any(|u| u.pos > last))
}

/// The reference kinds, where a use "by value" that the local's own later
/// uses show to move nothing is a use in place: `if let Err(n) = m { .. }`
/// then `m` again (the pattern copied `n`), `let y = x;` then `x` again (a
/// copy). A local read again after such a use, on the same path and with
/// no assignment between, cannot have been moved (rustc checks the body),
/// so nothing may take it out of its place: a pinned one would leave its
/// slot, to be dropped with the pattern's temporary while still in use.
pub(super) fn moves_that_copy(r: &Resolver) -> HashMap<usize, (usize, UseKind)> {
    let mut refs = r.ref_kinds.clone();
    for info in r.bindings.values() {
        for m in info.uses.iter().filter(|u| u.kind == UseKind::Move) {
            let Some(tag) = m.tag else { continue };
            // Round a loop the local was declared outside of: it is used
            // again in the next iteration, by this very use if no other.
            let again_round = m.loops.iter().any(|l| {
                !info.loops.contains(l)
                    && !m.then.exits.contains(l)
                    && !info
                        .uses
                        .iter()
                        .any(|a| a.kind == UseKind::Assign && a.loops.contains(l))
            });
            let reassigned_before = |v: &Use| {
                info.uses.iter().any(|a| {
                    a.kind == UseKind::Assign
                        && a.pos > m.pos
                        && a.pos < v.pos
                        && a.branches.iter().all(|b| m.branches.contains(b))
                })
            };
            let again_after = info.uses.iter().any(|v| {
                v.pos > m.pos
                    && v.kind != UseKind::Assign
                    && !m.then.skips(v.pos, &r.ends)
                    && !other_arms(&m.branches, &v.branches)
                    && !reassigned_before(v)
            });
            if again_round || again_after {
                refs.insert(tag, (info.binding.id, UseKind::Read));
            }
        }
    }
    refs
}

/// Whether `moves`, each inside branches that do not enclose the point
/// whose branches are `at`, together cover every way through one of them:
/// a move in each arm of an `if`/`else` or a `match` (or, inside an arm,
/// of a branching nested there).
pub(super) fn moved_every_way(r: &Resolver, moves: &[&Use], at: &[(usize, usize)]) -> bool {
    pub(super) fn covers(r: &Resolver, moves: &[&[(usize, usize)]]) -> bool {
        if moves.iter().any(|b| b.is_empty()) {
            return true;
        }
        let nodes: HashSet<usize> = moves.iter().map(|b| b[0].0).collect();
        nodes.into_iter().any(|node| {
            let arms = r.arms.get(&node).copied().unwrap_or(usize::MAX);
            arms != usize::MAX
                && (0..arms).all(|arm| {
                    let inner: Vec<&[(usize, usize)]> = moves
                        .iter()
                        .filter(|b| b[0] == (node, arm))
                        .map(|b| &b[1..])
                        .collect();
                    !inner.is_empty() && covers(r, &inner)
                })
        })
    }
    // Each move's branches below those it shares with the point.
    let own: Vec<Vec<(usize, usize)>> = moves
        .iter()
        .map(|u| {
            u.branches
                .iter()
                .copied()
                .filter(|(n, _)| !at.iter().any(|(n2, _)| n2 == n))
                .collect()
        })
        .collect();
    let own: Vec<&[(usize, usize)]> = own.iter().map(Vec::as_slice).collect();
    covers(r, &own)
}

/// Are two places in different arms of the same `if` or `match` (so no
/// path passes through both)? Each is given by the branches enclosing it.
pub(super) fn other_arms(a: &[(usize, usize)], b: &[(usize, usize)]) -> bool {
    a.iter()
        .any(|(node, arm)| b.iter().any(|(n2, a2)| n2 == node && a2 != arm))
}

/// Going forward from `at` through `uses` (in order), is the binding read
/// before it is assigned on some path? `None` if no use decides it.
///
/// A use outside the branches and loops that `at` is in decides: a read
/// reads, an assignment kills. One inside a branch that `at` is not in
/// (`if c { x = 1; }`) runs on some paths only: a read there reads, an
/// assignment kills only if every way through that branch starts by
/// assigning (`if c { x = 1 } else { x = 2 }`); otherwise what follows the
/// branch decides.
pub(super) fn read_before_assigned(r: &Resolver, at: &AwaitInfo, uses: &[&Use]) -> Option<bool> {
    let new_node = |u: &Use| {
        u.branches
            .iter()
            .find(|(n, _)| !at.branches.iter().any(|(n2, _)| n2 == n))
            .copied()
    };
    let new_loop = |u: &Use| u.loops.iter().any(|l| !at.loops.contains(l));
    let mut i = 0;
    while i < uses.len() {
        let u = uses[i];
        let Some((node, _)) = new_node(u) else {
            if new_loop(u) && u.kind == UseKind::Assign {
                // A loop may run no iteration.
                i += 1;
                continue;
            }
            return Some(u.kind != UseKind::Assign);
        };
        let inside: Vec<&Use> = uses[i..]
            .iter()
            .copied()
            .filter(|v| v.branches.iter().any(|(n, _)| *n == node))
            .collect();
        // Each way through starts with an assignment of its own, outside
        // any branch or loop nested in it, or leaves without a use.
        let arms = r.arms.get(&node).copied().unwrap_or(usize::MAX);
        let covered = arms < usize::MAX
            && (0..arms).all(|arm| {
                match inside.iter().find(|v| v.branches.contains(&(node, arm))) {
                    Some(first) => {
                        first.kind == UseKind::Assign
                            && !new_loop(first)
                            && first.branches.last() == Some(&(node, arm))
                    }
                    None => match r.arm_exit(node, arm) {
                        None | Some(ArmExit::Head) => false,
                        Some(ArmExit::Nowhere) => true,
                        // `else { break }`: covered if what follows the
                        // target does not read it first.
                        Some(ArmExit::After(end)) => {
                            let later: Vec<&Use> =
                                uses.iter().copied().filter(|v| v.pos > end).collect();
                            read_before_assigned(r, at, &later) != Some(true)
                        }
                    },
                }
            });
        if covered {
            return Some(false);
        }
        if inside.iter().any(|v| v.kind != UseKind::Assign) {
            return Some(true);
        }
        // (The uses inside it are together: positions follow the text.)
        i += inside.len();
    }
    None
}

pub(super) fn decide(r: &Resolver, at: &AwaitInfo) -> Keep {
    let mut keep = Keep::default();
    // Closures kept only if something kept borrows them.
    let mut lenders: Vec<&BindingInfo> = Vec::new();
    for id in &at.in_scope {
        let Some(b) = r.bindings.get(id) else {
            continue;
        };
        // Do the use and `at` meet by going round a loop that encloses `at`
        // but not the binding's declaration? Going round from the use (it
        // recurs before `at` on the next iteration) or from `at` (the use
        // follows it on the next iteration): the one that goes round must
        // not jump out of that loop first.
        let round = |u: &Use, from_use: bool| {
            let first = if from_use { &u.then } else { &at.then };
            at.loops
                .iter()
                .any(|l| u.loops.contains(l) && !b.loops.contains(l) && !first.exits.contains(l))
        };
        let wraps = |u: &Use| round(u, true);
        // Before `at` in this iteration: not in another arm, and not jumped
        // over (a `break` after the use leaves the code `at` is in).
        let straight = |u: &Use| {
            u.pos < at.pos
                && !u.then.skips(at.pos, &r.ends)
                && !other_arms(&u.branches, &at.branches)
        };
        let before = |u: &&Use| straight(u) || wraps(u);
        let initialized = b.initialized
            || b.uses
                .iter()
                .filter(before)
                .any(|u| u.kind == UseKind::Assign);
        // Assigned on every way here, not only on some (`let last; for x in
        // xs { last = f(x).await; }`: round the loop, but not the first
        // time): by its `let`, or straight before `at`, outside a loop that
        // does not enclose it, unconditionally or in every arm of a
        // branching.
        let assigned_every_way = || {
            let assigns: Vec<&Use> = b
                .uses
                .iter()
                .filter(|u| {
                    u.kind == UseKind::Assign
                        && straight(u)
                        && u.loops.iter().all(|l| at.loops.contains(l))
                })
                .collect();
            assigns
                .iter()
                .any(|u| u.branches.iter().all(|br| at.branches.contains(br)))
                || (!assigns.is_empty() && moved_every_way(r, &assigns, &at.branches))
        };
        let maybe_unset = initialized && !b.initialized && !assigned_every_way();
        // A use after a move, on the same path, means the "move" copied
        // (`let y = base; peek(&base).await`), or the local was assigned
        // again: either way it holds a value.
        // A move that reaches `at` only round a loop (`st = if c { st + 1 }
        // else { x.await; break }`: `st + 1` in the previous iteration) is
        // followed by what comes after it in that iteration and by what
        // comes before `at` in this one; an assignment there gives the local
        // its value back only if it runs whenever the move does.
        let used_after = |m: &Use| {
            b.uses.iter().filter(before).any(|v| {
                if v.kind == UseKind::Move {
                    return false;
                }
                if !wraps(v) && !wraps(m) {
                    return v.pos > m.pos && !other_arms(&m.branches, &v.branches);
                }
                let definite = |on: &[(usize, usize)]| {
                    v.kind != UseKind::Assign || v.branches.iter().all(|b| on.contains(b))
                };
                wraps(m)
                    && !straight(m)
                    && wraps(v)
                    && ((v.pos > m.pos
                        && !m.then.skips(v.pos, &r.ends)
                        && !other_arms(&m.branches, &v.branches)
                        && definite(&m.branches))
                        || (straight(v) && definite(&at.branches)))
            })
        };
        let moves: Vec<&Use> = b
            .uses
            .iter()
            .filter(before)
            .filter(|u| u.kind == UseKind::Move && !used_after(u))
            .collect();
        let moved = !moves.is_empty();
        // The uses `at` reaches (straight on, or round a loop); and whether
        // the code resumed after `at` names the binding at all (it is
        // written out whole, jumped-over parts too).
        // (A use in another arm of a branching that encloses `at` is
        // reached only round a loop, at the next iteration: `around`.)
        let after = |u: &&Use| {
            u.pos > at.pos
                && !at.then.skips(u.pos, &r.ends)
                && !other_arms(&u.branches, &at.branches)
        };
        // (Jumps do not count here: the resumed code writes the enclosing
        // loops out again whole.)
        let in_resumed_loop = |u: &Use| {
            at.loops
                .iter()
                .any(|l| u.loops.contains(l) && !b.loops.contains(l))
        };
        let named_after = b.uses.iter().any(|u| {
            in_resumed_loop(u) || (u.pos > at.pos && !other_arms(&u.branches, &at.branches))
        });
        let read_next = {
            let mut straight: Vec<&Use> = b.uses.iter().filter(after).collect();
            straight.sort_by_key(|u| u.pos);
            let mut around: Vec<&Use> = b.uses.iter().filter(|u| round(u, false)).collect();
            around.sort_by_key(|u| u.pos);
            match read_before_assigned(r, at, &straight) {
                Some(read) => read,
                None => read_before_assigned(r, at, &around).unwrap_or(false),
            }
        };
        // Moved only inside branches that do not lead here (`if c { drop(d) }`
        // before the suspension point): whether it is alive is decided at
        // run time.
        let conditional = |u: &&Use| {
            !wraps(u)
                && u.branches
                    .iter()
                    .any(|(node, _)| !at.branches.iter().any(|(n2, _)| n2 == node))
        };
        // (Moved in every arm of some branching, `if k { drop(g) } else {
        // drop(g) }`, it is moved on every path: no flag, nothing kept.)
        let only_conditionally_moved =
            moved && moves.iter().all(conditional) && !moved_every_way(r, &moves, &at.branches);
        // The awaitee borrows the closure (`once(&h).await`): it stays in
        // place while the awaitee runs. (A reference's method call borrows
        // through it, not it.)
        // So does a reference whose own place the awaitee borrows
        // (`look(&s).await`, `s: &u32`), read again or not: the awaitee,
        // stored in the state, points at it.
        let lent = || {
            b.uses.iter().any(|u| {
                u.kind == UseKind::Borrow
                    && u.pos >= at.operand
                    && u.pos < at.pos
                    && (b.closure || (b.reference && r.addressed.contains(&u.pos)))
            })
        };
        let alive = if b.reference {
            read_next || lent()
        } else {
            !moved || read_next
        };
        // (Alive or not by the way taken, as rustc's drop flag says:
        // assigned on some ways only, or moved on some.)
        let flag_unset = maybe_unset && !b.reference;
        let flag_moved = only_conditionally_moved && !b.reference;
        if initialized && alive && !flag_unset {
            keep.stored.push(b.binding.clone());
            if !read_next {
                keep.for_drop.push(b.binding.id);
            }
        } else if initialized && ((flag_unset && alive) || flag_moved) {
            keep.flagged.push(b.binding.clone());
        } else {
            if initialized && b.closure {
                lenders.push(b);
            }
            if named_after {
                keep.redeclared.insert(*id);
            }
        }
    }
    // A closure not read again that a kept value borrows (`let parse =
    // |s| ..; let handle = |s| parse(s);` with `handle` kept) is kept too,
    // for as long as what borrows it. (What borrows through a reference
    // borrows what it points to, which `sources` says.)
    let mut added = true;
    while added {
        added = false;
        let borrowed: HashSet<usize> = keep
            .stored
            .iter()
            .filter_map(|s| r.bindings.get(&s.id))
            .flat_map(|info| info.sources.iter().copied())
            .collect();
        lenders.retain(|b| {
            if !borrowed.contains(&b.binding.id) {
                return true;
            }
            keep.stored.push(b.binding.clone());
            keep.redeclared.remove(&b.binding.id);
            added = true;
            false
        });
    }
    keep
}
