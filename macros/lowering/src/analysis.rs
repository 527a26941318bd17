//! Liveness: which bindings each suspension point must keep.
//!
//! A proc-macro sees no types, so liveness is computed from the syntax, the
//! way a reader would: the resolver walks the normalised body in evaluation
//! order, resolves every name to its binding (respecting shadowing and
//! scopes), and records each use as a *move* (`f(x)`, `let y = x`, `x?`,
//! `x.into_iter()`), a *borrow* (`&x`, `x.len()`, `x.field`, `x == y`) or an
//! *assignment* (`x = ..`), together with the loops and branches it sits in.
//!
//! A binding in scope at a suspension point is stored in its variant when it
//! holds a value there and that value matters later:
//!
//! - it is initialised (declared with a value, or assigned before), and
//! - it has not been moved before, or it is read again afterwards (then the
//!   earlier "move" was a copy: a type with a destructor is never `Copy`, so
//!   not storing a value that was passed by value loses nothing observable).
//!
//! A value that was moved (or dropped) before the suspension point is not
//! stored, which is also why a `!Send` value dropped before an `.await` does
//! not make the future `!Send`. Uses in the other arm of the same `if`/`match`
//! do not count; uses later in an enclosing loop count as "before" for the
//! next iteration. A binding that is not stored but assigned afterwards is
//! re-declared uninitialised (`let x;`) where the resumed code needs it.

use crate::bindings::{Binding, bindings_of, binds_by_value};
use crate::macro_args;
use std::collections::{HashMap, HashSet};
use syn::{Expr, Pat, Stmt};

/// How an expression uses a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseKind {
    /// By value: moved, or copied.
    Move,
    /// Through a reference or in place.
    Borrow,
    /// In place, for a result that owns its value (`x.len()`, `x.clone()`,
    /// `x == y`, a copied field): like a borrow, except that what it
    /// produces does not borrow `x`.
    Read,
    /// Overwritten as a whole.
    Assign,
}

#[derive(Clone, Debug)]
struct Use {
    pos: usize,
    kind: UseKind,
    loops: Vec<usize>,
    branches: Vec<(usize, usize)>,
    /// The jump that follows it, if any.
    then: Jump,
    /// The reference tag it was made through, if any.
    tag: Option<usize>,
}

/// A `break`, `return`, `continue` or `panic!` that follows a use or a
/// suspension point unconditionally in its block (`if done { body = v;
/// break; }`): what it cannot reach from there.
#[derive(Clone, Debug, Default)]
struct Jump {
    /// Enclosing loops it cannot come round in again.
    exits: Vec<usize>,
    /// Where the jump is (its last position) and the target whose end it
    /// skips to (an index into `Resolver::ends`, `usize::MAX` for a
    /// `return`, which reaches nothing). Code between the two is not
    /// reached by going forward.
    skips: Option<(usize, usize)>,
}

/// A jump statement as found (`break`, `continue`, `return`, `panic!`).
#[derive(Clone, Debug)]
struct Leaving {
    /// The loops it leaves for good.
    loops: Vec<usize>,
    /// The target it skips to the end of (see [`Jump::skips`]).
    to: usize,
    /// A `continue`: the run goes on at the target loop's head, not after it.
    to_head: bool,
}

/// Where the run goes on after an arm that always jumps out.
enum ArmExit {
    /// Nowhere in this body (`return`, `panic!`).
    Nowhere,
    /// After the position given (`break`).
    After(usize),
    /// At a loop's head (`continue`).
    Head,
}

impl Jump {
    /// Records a jump; the innermost one decides (it is marked first).
    fn mark(&mut self, loops: &[usize], from: usize, to: usize) {
        self.exits.extend_from_slice(loops);
        self.skips.get_or_insert((from, to));
    }

    /// Is position `pos` jumped over?
    fn skips(&self, pos: usize, ends: &[usize]) -> bool {
        self.skips.is_some_and(|(from, t)| {
            from < pos && pos <= ends.get(t).copied().unwrap_or(usize::MAX)
        })
    }
}

#[derive(Clone, Debug)]
struct BindingInfo {
    binding: Binding,
    initialized: bool,
    loops: Vec<usize>,
    uses: Vec<Use>,
    /// Bindings borrowed by the expression this binding's value came from.
    sources: HashSet<usize>,
    /// Declared by `let x = ..;` (the only form that can be pinned).
    simple_let: bool,
    /// Known to be a reference (`let r = &x;`, `r: &mut T`) or a closure
    /// that captures by reference (`let f = |x| x + n;`): no destructor, so
    /// it matters at a suspension point only if it is read again. Keeping a
    /// dead one would move it after a later borrow invalidated it (Miri: a
    /// retag of a dead tag).
    reference: bool,
    /// A closure that captures by reference (`let f = |x| x + n;`): kept,
    /// unlike a reference, when something kept or awaited borrows it.
    closure: bool,
    /// Whether calling it consumes it, where its type or initializer says
    /// (see `callee`): a closure written in the body (`let f = |x| ..;`,
    /// `move` or not) is taken as borrowed by a call.
    consumed_by_call: Option<bool>,
    /// A parameter of the function (`let x = __lh_arg0;` in the prelude).
    param: bool,
    /// Declared a `Box` (`b: Box<T>`, `let b = Box::new(..)`): `*b` as a
    /// value moves out of it, where `*guard` would copy out of a guard.
    boxed: bool,
    /// The sending half of a oneshot channel (`let (tx, rx) =
    /// oneshot::channel();`), whose `send` takes `self`.
    oneshot_sender: bool,
}

#[derive(Clone, Debug)]
struct AwaitInfo {
    pos: usize,
    /// Where its operand starts: uses in `operand..pos` build the awaitee.
    operand: usize,
    in_scope: Vec<usize>,
    loops: Vec<usize>,
    branches: Vec<(usize, usize)>,
    /// The jump that follows it, if any.
    then: Jump,
}

impl AwaitInfo {
    /// Is the awaitee built from (a use in its operand of) this binding?
    fn built_from(&self, info: &BindingInfo) -> bool {
        self.operand_uses(info).next().is_some()
    }

    /// Does the awaitee borrow this binding (`&x`, `x.method()`)?
    fn lends(&self, info: &BindingInfo) -> bool {
        self.operand_uses(info).any(|u| u.kind == UseKind::Borrow)
    }

    /// The binding's uses in the operand, which build the awaitee.
    fn operand_uses<'a>(&self, info: &'a BindingInfo) -> impl Iterator<Item = &'a Use> {
        let operand = self.operand..self.pos;
        info.uses.iter().filter(move |u| operand.contains(&u.pos))
    }
}

/// What one suspension point keeps, in declaration order.
#[derive(Clone, Debug, Default)]
pub struct Keep {
    /// Bindings stored in the variant.
    pub stored: Vec<Binding>,
    /// Pinned bindings in scope there (they stay in their slots).
    pub pinned: Vec<Binding>,
    /// Bindings moved on some branches only before this point: alive or not
    /// depending on the path taken, like rustc's drop-flagged locals. They
    /// are pinned, since a pin slot carries its own drop flag.
    pub flagged: Vec<Binding>,
    /// Bindings not stored, but declared again (uninitialised) on resumption
    /// because the resumed code assigns them.
    pub redeclared: HashSet<usize>,
    /// Stored bindings that the resumed code does not read: kept only for
    /// the destructor their type may have.
    pub for_drop: Vec<usize>,
}

/// The liveness result for the whole function.
pub struct Liveness {
    /// Indexed by suspension point number.
    pub keep: Vec<Keep>,
    /// The pinned bindings, in slot order.
    pub pinned: Vec<Binding>,
    /// Reference tag -> (binding, how it is used), for the pinning rewrite.
    pub refs: HashMap<usize, (usize, UseKind)>,
    /// Bindings that should be pinned but are not declared by a plain
    /// `let x = ..;` (see `rebind`).
    pub unpinnable: HashSet<usize>,
    /// The names of the bindings an awaitee is built from while they are
    /// kept in its state (it may borrow them there).
    pub kept_for_awaitees: HashSet<String>,
    /// Binding -> the bindings whose values borrow it, directly or through
    /// another (`let g = w.lock().await;`, `let f = || w.n;`).
    pub borrowers: HashMap<usize, HashSet<usize>>,
    /// Bindings known to be references, or closures that capture by
    /// reference: nothing to drop, their borrows end at their last use.
    pub references: HashSet<usize>,
}

impl Liveness {
    /// Pinned binding id -> its slot index.
    pub fn slots(&self) -> HashMap<usize, usize> {
        self.pinned
            .iter()
            .enumerate()
            .map(|(k, b)| (b.id, k))
            .collect()
    }
}

/// Bindings shadowed while alive (id -> id), and which binding each tagged
/// reference resolves to: what `normalize::rename_shadowed` needs.
pub fn shadowing(block: &syn::Block) -> (HashMap<usize, usize>, HashMap<usize, usize>) {
    let mut r = Resolver::default();
    r.block(block);
    (r.shadowed.iter().map(|id| (*id, *id)).collect(), r.refs)
}

/// Runs the analysis over the normalised body. A value that another kept
/// value borrows across a suspension point is pinned in place instead of
/// kept (the caller then checks the body natively for soundness).
pub fn analyse(block: &syn::Block, awaits: usize, sig: &syn::Signature) -> Liveness {
    let mut r = Resolver {
        sig: Some(sig.clone()),
        ..Resolver::default()
    };
    r.block(block);
    let mut keep = vec![Keep::default(); awaits];
    for (n, k) in keep.iter_mut().enumerate() {
        if let Some(a) = r.awaits.get(&n) {
            *k = decide(&r, a);
        }
    }
    let mut pinned_ids: Vec<usize> = Vec::new();
    let mut unpinnable = HashSet::new();
    let mut pin = |id: usize| {
        let pinnable = r.bindings.get(&id).is_some_and(|i| i.simple_let);
        if !pinnable {
            unpinnable.insert(id);
        } else if !pinned_ids.contains(&id) {
            pinned_ids.push(id);
        }
    };
    for (n, k) in keep.iter().enumerate() {
        // A binding moved on some paths only is pinned: its slot carries
        // the drop flag.
        k.flagged.iter().for_each(|b| pin(b.id));
        // So is one that a binding kept at the same suspension point
        // borrowed to get its value (an iterator, a reference, a closure),
        // or that a value the awaitee is built from borrowed (`let futs =
        // ids.iter().map(f); join_all(futs).await`): the awaitee holds that
        // borrow while the binding waits in the state.
        let kept = |id: &usize| k.stored.iter().any(|s| s.id == *id);
        let mut borrowers: Vec<&BindingInfo> = k
            .stored
            .iter()
            .filter_map(|c| r.bindings.get(&c.id))
            .collect();
        if let Some(a) = r.awaits.get(&n) {
            borrowers.extend(r.bindings.values().filter(|info| a.built_from(info)));
            // A kept local the awaitee borrows (`m.lock().await`,
            // `r.fill_buf().await`) stays in place too: what the awaitee
            // returns may borrow it as well (a guard, a slice), and that
            // value outlives the suspension, where a kept local is moved out
            // of the state. (A reference moves without moving what it
            // points to.)
            // (So a field of it cannot be moved out afterwards: a pinned
            // local cannot be partly moved. That is refused by rustc, where
            // moving it out of the state could leave what the awaitee
            // returned pointing at the old place.)
            k.stored
                .iter()
                .filter_map(|b| r.bindings.get(&b.id))
                .filter(|info| !info.reference && a.lends(info))
                .for_each(|info| pin(info.binding.id));
        }
        for info in borrowers {
            info.sources
                .iter()
                .filter(|b| kept(b))
                .for_each(|b| pin(*b));
        }
        // A value kept only for its destructor whose borrow may be dead
        // (see `borrow_ended`) stays in place: moving it in or out of the
        // state would use that borrow.
        k.for_drop
            .iter()
            .filter_map(|id| r.bindings.get(id))
            .filter(|info| borrow_ended(&r, info))
            .for_each(|info| pin(info.binding.id));
    }
    // So does a local whose address was taken as a raw pointer, wherever
    // it is in scope at a suspension point (see `raw_address_of`).
    for id in &r.raw_addressed {
        if r.awaits.values().any(|a| a.in_scope.contains(id)) {
            pin(*id);
        }
    }
    // What `pin!` pinned stays in a slot wherever it is (see `pin_macros`).
    r.bindings
        .values()
        .filter(|i| {
            i.binding
                .ident
                .to_string()
                .starts_with(crate::pin_macros::PREFIX)
        })
        .for_each(|i| pin(i.binding.id));
    let mut kept_for_awaitees = HashSet::new();
    for (n, k) in keep.iter().enumerate() {
        let Some(a) = r.awaits.get(&n) else { continue };
        for b in &k.stored {
            if r.bindings.get(&b.id).is_some_and(|info| a.built_from(info)) {
                kept_for_awaitees.insert(b.ident.to_string());
            }
        }
    }
    pinned_ids.sort();
    for k in &mut keep {
        let (mut pins, rest): (Vec<_>, Vec<_>) =
            k.stored.drain(..).partition(|b| pinned_ids.contains(&b.id));
        k.stored = rest;
        pins.extend(
            k.flagged
                .iter()
                .filter(|b| pinned_ids.contains(&b.id))
                .cloned(),
        );
        pins.sort_by_key(|b| b.id);
        k.pinned = pins;
    }
    let pinned = pinned_ids
        .iter()
        .filter_map(|id| r.bindings.get(id).map(|i| i.binding.clone()))
        .collect();
    let refs = moves_that_copy(&r);
    let mut borrowers: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (id, info) in &r.bindings {
        for source in &info.sources {
            borrowers.entry(*source).or_default().insert(*id);
        }
    }
    // Through another: what borrows a borrower borrows what it borrows.
    let mut grew = true;
    while grew {
        grew = false;
        let snapshot = borrowers.clone();
        for set in borrowers.values_mut() {
            let through: Vec<usize> = set
                .iter()
                .filter_map(|b| snapshot.get(b))
                .flatten()
                .copied()
                .collect();
            for b in through {
                grew |= set.insert(b);
            }
        }
    }
    Liveness {
        keep,
        pinned,
        refs,
        unpinnable,
        kept_for_awaitees,
        borrowers,
        references: r
            .bindings
            .values()
            .filter(|i| i.reference)
            .map(|i| i.binding.id)
            .collect(),
    }
}

/// How matching `pat` uses its scrutinee: a `ref` binding borrows it in
/// place and keeps it alive (a binding by value beside it, `(ref d, n)`, is
/// taken as a copy: a partly moved value could not be kept, and rustc then
/// reports the move out of the kept place); otherwise a binding by value
/// moves from it. `let _ = x;` moves nothing.
fn scrutinee_use(pat: &Pat) -> UseKind {
    if crate::bindings::binds_by_ref(pat) || !binds_by_value(pat) {
        UseKind::Borrow
    } else {
        UseKind::Move
    }
}

/// Is `e` a local or a field of one (`o`, `self.state.kind`), which a
/// pattern can move out of?
fn local_place(e: &Expr) -> bool {
    match e {
        Expr::Path(p) => p.path.get_ident().is_some(),
        Expr::Field(f) => local_place(&f.base),
        Expr::Paren(p) => local_place(&p.expr),
        _ => false,
    }
}

/// Does what `info` borrows get used again after `info`'s last use? Then
/// its borrow of it is dead there (`let first = slot.get_or_insert_with(f);
/// out.push(first.0); slot.replace(x.await)`): rustc accepts the body only
/// if dropping the value does not use that borrow (a `&mut D`, or a struct
/// of a `D` and a `&mut`), but moving the value (a typed copy) would, and
/// Miri's borrow models then see a dead tag retagged. Such a value is only
/// dropped in place, as rustc's state machine does.
fn borrow_ended(r: &Resolver, info: &BindingInfo) -> bool {
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
fn moves_that_copy(r: &Resolver) -> HashMap<usize, (usize, UseKind)> {
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
fn moved_every_way(r: &Resolver, moves: &[&Use], at: &[(usize, usize)]) -> bool {
    fn covers(r: &Resolver, moves: &[&[(usize, usize)]]) -> bool {
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
fn other_arms(a: &[(usize, usize)], b: &[(usize, usize)]) -> bool {
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
fn read_before_assigned(r: &Resolver, at: &AwaitInfo, uses: &[&Use]) -> Option<bool> {
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

fn decide(r: &Resolver, at: &AwaitInfo) -> Keep {
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
        if initialized && alive {
            keep.stored.push(b.binding.clone());
            if !read_next {
                keep.for_drop.push(b.binding.id);
            }
        } else if initialized && only_conditionally_moved && !b.reference {
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

#[derive(Default)]
struct Resolver {
    pos: usize,
    /// Each scope maps names to bindings; `None` shadows without tracking
    /// (closure parameters).
    scopes: Vec<Vec<(String, Option<usize>)>>,
    loops: Vec<usize>,
    next_loop: usize,
    /// What `break` and `continue` can name, innermost last: each loop (its
    /// label, its id) and each labelled block (its label, no id), with the
    /// index of its entry in `ends`.
    targets: Vec<(Option<String>, Option<usize>, usize)>,
    /// The last position inside each target, once it has been visited.
    ends: Vec<usize>,
    branches: Vec<(usize, usize)>,
    next_branch: usize,
    /// How many ways through each branching construct there are.
    arms: HashMap<usize, usize>,
    /// The last position of each arm of a branching construct.
    arm_ends: HashMap<(usize, usize), usize>,
    /// Jumps written in an arm itself (not in a branch nested in it), with
    /// their targets (see `Jump::skips`) and whether they go to a loop's
    /// head (`continue`).
    arm_jumps: Vec<((usize, usize), Leaving)>,
    /// Inside a closure or async block that captures by reference: a use by
    /// value is a borrow of the captured local (a copy, or rustc would
    /// capture it by value, and then it is dead afterwards anyway).
    borrowing_capture: usize,
    /// Inside a closure or async block: whether the outermost one is a
    /// `move` one. It alone decides how a local of the function is captured
    /// (`|id| async move { id + base }` borrows `base`, the inner block
    /// copying from the closure's reference): inside a `move` one every use
    /// moves.
    outer_moving: Option<bool>,
    /// One flag per enclosing closure or async block: whether its body
    /// consumes a local it captures (`|| drop(d)`, see `consumes_capture`).
    consuming_captures: Vec<bool>,
    /// Whether the closure or async block visited last consumed one: it is
    /// then an `FnOnce`, and captured what it consumes by value.
    last_capture_consumed: bool,
    /// Set while visiting the operand of `drop(..)` itself.
    consuming: bool,
    /// The locals a `move` closure returns (see `given_away`), by node.
    given_away: HashSet<*const syn::ExprPath>,
    /// Locals whose address was taken as a raw pointer (see
    /// `raw_address_of`).
    raw_addressed: HashSet<usize>,
    /// The uses that take a local's address (`&x`, `&mut x`), by position.
    addressed: HashSet<usize>,
    bindings: HashMap<usize, BindingInfo>,
    awaits: HashMap<usize, AwaitInfo>,
    /// Reference tag -> the binding it resolved to.
    refs: HashMap<usize, usize>,
    /// Bindings shadowed by a later binding while still in scope.
    shadowed: HashSet<usize>,
    /// Reference tag -> (binding, use kind).
    ref_kinds: HashMap<usize, (usize, UseKind)>,
    /// Every borrow so far, in order: the sources of the next binding are
    /// the borrows made while evaluating its initializer.
    borrows: Vec<usize>,
    /// The reference tag of the path being resolved.
    current_tag: Option<usize>,
    /// The function's signature: its parameters' types and generics.
    sig: Option<syn::Signature>,
}

/// The place whose address `e` takes as a raw pointer: `&raw mut x`,
/// `addr_of!(x)`, `&mut x as *mut T`, `x.as_mut_ptr()`. A raw pointer
/// carries no borrow the analysis can follow (it may be stored anywhere,
/// `reg.out.push(p)`), so such a local stays in place while it is in scope
/// at a suspension point, as in rustc's coroutine: moved into the state
/// and back, it would leave the pointer behind.
fn raw_address_of(e: &Expr) -> Option<Expr> {
    let unparen = |e: &Expr| -> Expr {
        let mut e = e;
        while let Expr::Paren(p) = e {
            e = &p.expr;
        }
        e.clone()
    };
    match e {
        Expr::RawAddr(r) => Some(unparen(&r.expr)),
        Expr::Macro(m)
            if matches!(macro_args::name(&m.mac).as_str(), "addr_of" | "addr_of_mut") =>
        {
            m.mac.parse_body::<Expr>().ok().map(|x| unparen(&x))
        }
        Expr::Cast(c) if matches!(&*c.ty, syn::Type::Ptr(_)) => match unparen(&c.expr) {
            Expr::Reference(r) => Some(unparen(&r.expr)),
            _ => None,
        },
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(m.method.to_string().as_str(), "as_ptr" | "as_mut_ptr") =>
        {
            Some(unparen(&m.receiver))
        }
        _ => None,
    }
}

/// `drop(x)` on a plain local `x` (`mem::drop`, `std::mem::drop`, ..):
/// inside a closure or `async` block, the one use that says for sure that
/// the body consumes what it captured, whatever `x`'s type (dropping a
/// `Copy` value is linted against). rustc then captures `x` by value, with
/// or without `move`, and the closure is an `FnOnce`. Returns `x`.
fn consumes_capture(c: &syn::ExprCall) -> Option<&Expr> {
    let Expr::Path(f) = &*c.func else { return None };
    let names: Vec<String> = f
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let is_drop = matches!(
        names.iter().map(String::as_str).collect::<Vec<_>>()[..],
        ["drop"] | ["mem", "drop"] | ["std" | "core", "mem", "drop"]
    );
    match c.args.iter().collect::<Vec<_>>()[..] {
        [x @ Expr::Path(p)] if is_drop && f.qself.is_none() && p.path.get_ident().is_some() => {
            Some(x)
        }
        _ => None,
    }
}

/// The plain locals a `move` closure's body gives away: its result, or part
/// of it (`move || d`, `move || (d, 1)`, `move || Some(d)`, `move || S { d }`,
/// `return d`), through blocks, `if` and `match` arms. Moving a capture out
/// makes the closure an `FnOnce` (its call consumes it) when the capture is
/// not `Copy`. When it is, the closure is an `Fn`; counting its call as a
/// move is harmless only if the closure owns nothing with a destructor, so
/// the caller requires every capture to be given away (see
/// `gives_away_all`). A non-`move` closure is left alone: there rustc's
/// capture mode itself depends on whether the type is `Copy` (`|| n`
/// borrows `n: u32`).
fn given_away<'a>(e: &'a Expr, out: &mut Vec<&'a syn::ExprPath>) {
    struct Returns<'a, 'o>(&'o mut Vec<&'a syn::ExprPath>);
    impl<'a> syn::visit::Visit<'a> for Returns<'a, '_> {
        fn visit_expr_return(&mut self, r: &'a syn::ExprReturn) {
            if let Some(e) = &r.expr {
                given_away(e, self.0);
            }
        }
        // (A nested closure or `async` block returns to its own caller.)
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    }
    // The statements are searched for `return`s, the tail given away (each
    // visited once: a path found twice would be counted twice).
    fn tail<'a>(b: &'a syn::Block, out: &mut Vec<&'a syn::ExprPath>) {
        let (last, rest) = match b.stmts.split_last() {
            Some((syn::Stmt::Expr(e, None), rest)) => (Some(e), rest),
            _ => (None, &b.stmts[..]),
        };
        for s in rest {
            syn::visit::Visit::visit_stmt(&mut Returns(out), s);
        }
        if let Some(e) = last {
            given_away(e, out);
        }
    }
    let constructor = |f: &Expr| {
        matches!(f, Expr::Path(f) if f.path.segments.last().is_some_and(|s| {
            s.ident.to_string().starts_with(|ch: char| ch.is_ascii_uppercase())
        }))
    };
    match e {
        Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => out.push(p),
        Expr::Paren(p) => given_away(&p.expr, out),
        Expr::Group(g) => given_away(&g.expr, out),
        Expr::Tuple(t) => t.elems.iter().for_each(|x| given_away(x, out)),
        Expr::Array(a) => a.elems.iter().for_each(|x| given_away(x, out)),
        // A tuple struct or variant (`Some(d)`, `W(d)`), by its capital.
        Expr::Call(c) if constructor(&c.func) => c.args.iter().for_each(|x| given_away(x, out)),
        Expr::Struct(s) => s.fields.iter().for_each(|f| given_away(&f.expr, out)),
        Expr::Block(b) => tail(&b.block, out),
        Expr::Unsafe(b) => tail(&b.block, out),
        Expr::If(i) => {
            tail(&i.then_branch, out);
            if let Some((_, e)) = &i.else_branch {
                given_away(e, out);
            }
        }
        Expr::Match(m) => m.arms.iter().for_each(|a| given_away(&a.body, out)),
        _ => syn::visit::Visit::visit_expr(&mut Returns(out), e),
    }
}

/// How many times each identifier occurs in `tokens` (macro arguments
/// included, since longhand cannot parse them all).
fn count_idents(tokens: proc_macro2::TokenStream, counts: &mut HashMap<String, usize>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => *counts.entry(i.to_string()).or_default() += 1,
            proc_macro2::TokenTree::Group(g) => count_idents(g.stream(), counts),
            _ => {}
        }
    }
}

/// Methods that borrow their receiver only to compute an owned result: what
/// they return does not borrow the receiver. An iterator's item may borrow
/// what the iterator borrows, never the iterator itself; a value popped off
/// a collection is owned. (A user method of the same name that does return a
/// borrow of its receiver is refused by rustc, not miscompiled: the receiver
/// is then moved while borrowed.)
pub fn returns_owned(method: &str) -> bool {
    matches!(
        method,
        "next"
            | "next_back"
            | "nth"
            | "nth_back"
            | "pop"
            | "pop_front"
            | "pop_back"
            | "swap_remove"
            | "try_recv"
            | "clone"
            | "to_string"
            | "to_owned"
            | "to_vec"
            | "len"
            | "is_empty"
            | "contains"
            | "contains_key"
            | "starts_with"
            | "ends_with"
            | "eq"
            | "ne"
            | "cmp"
            | "partial_cmp"
            | "is_some"
            | "is_none"
            | "is_ok"
            | "is_err"
            | "capacity"
    )
}

/// Methods of the standard library that take `self` by value. A receiver
/// that is a local is moved by these and borrowed (autoref) by any other;
/// longhand cannot see types, so this list is how it tells them apart.
pub fn consumes_receiver(method: &str) -> bool {
    method == "into"
        || method.starts_with("into_")
        || method.starts_with("unwrap")
        || method.starts_with("expect")
        || iterator_adapter(method)
        || matches!(
            method,
            "ok" | "err"
                | "max"
                | "min"
                | "build"
                | "finish"
                | "max_by"
                | "min_by"
                | "max_by_key"
                | "min_by_key"
                | "map_err"
                | "map_or"
                | "map_or_else"
                | "and_then"
                | "or_else"
                | "and"
                | "or"
                | "xor"
                | "ok_or"
                | "ok_or_else"
                | "unzip"
                | "transpose"
                | "collect"
                | "sum"
                | "product"
                | "count"
                | "fold"
                | "for_each"
                | "partition"
                | "reduce"
                | "boxed"
                | "join"
                | "downcast"
                | "or_insert"
                | "or_insert_with"
                | "or_insert_with_key"
                | "or_default"
                | "and_modify"
        )
}

/// `Iterator`'s adapters, which take `self` and return an iterator (some
/// names, `map`, `filter`, `flatten`, are `Option`'s too, and take `self`
/// there as well).
fn iterator_adapter(method: &str) -> bool {
    matches!(
        method,
        "map"
            | "filter"
            | "filter_map"
            | "flat_map"
            | "flatten"
            | "copied"
            | "cloned"
            | "inspect"
            | "scan"
            | "zip"
            | "rev"
            | "enumerate"
            | "skip"
            | "step_by"
            | "chain"
            | "cycle"
            | "peekable"
            | "fuse"
            | "take_while"
            | "skip_while"
            | "map_while"
    )
}

/// Does method call `m` take its receiver by value? The names of
/// `consumes_receiver`, and two names that take `self` on an iterator
/// (`v.iter().take(2)`, `line.split(' ').last()`) and borrow elsewhere
/// (`Option::take`, a slice's `last` through a guard, `q.borrow().last()`):
/// by value where the receiver is made by a method that returns an
/// iterator, or is a range.
pub fn method_consumes_receiver(m: &syn::ExprMethodCall) -> bool {
    let method = m.method.to_string();
    consumes_receiver(&method)
        || (matches!(method.as_str(), "take" | "last") && makes_iterator(&m.receiver))
}

/// Is `e` an iterator made where it is used: a range, or a call of a
/// method that returns one (`iter`, `chars`, `split`, `keys`, an adapter)?
fn makes_iterator(e: &Expr) -> bool {
    match e {
        Expr::Paren(p) => makes_iterator(&p.expr),
        Expr::Range(_) => true,
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            iterator_adapter(&method)
                || matches!(
                    method.as_str(),
                    "iter"
                        | "iter_mut"
                        | "into_iter"
                        | "chars"
                        | "char_indices"
                        | "bytes"
                        | "split"
                        | "rsplit"
                        | "splitn"
                        | "rsplitn"
                        | "split_terminator"
                        | "split_whitespace"
                        | "split_ascii_whitespace"
                        | "lines"
                        | "keys"
                        | "values"
                        | "values_mut"
                        | "into_keys"
                        | "into_values"
                        | "drain"
                        | "windows"
                        | "chunks"
                        | "chunks_exact"
                        | "rchunks"
                        | "matches"
                        | "match_indices"
                        | "take"
                )
        }
        _ => false,
    }
}

/// Async methods of widely used crates that take `self` by value, under
/// names that are not on the list above: reqwest's `Response::text`, `json`
/// and `bytes` (and axum's multipart `Field`), so that
/// `get(url).await?.json().await?` and `resp.text().await` move the
/// response into the awaitee. Only when the call is awaited: a synchronous
/// `text()` (a DOM node's, say) borrows.
pub fn awaited_consumes_receiver(method: &str) -> bool {
    consumes_receiver(method)
        || matches!(
            method,
            "text" | "json" | "bytes" | "bytes_stream" | "upgrade"
        )
}

/// Does `l` declare a `Box` (`let b: Box<T> = ..`, as parameters are
/// bound, or `let b = Box::new(..)`)?
fn declares_box(l: &syn::Local) -> bool {
    let typed = matches!(&l.pat, Pat::Type(t) if crate::signature::is_box(&t.ty));
    let built = l.init.as_ref().is_some_and(|i| {
        matches!(&*i.expr, Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if {
            let names = crate::names::path_names(&p.path);
            names.len() >= 2 && names[names.len() - 2..] == ["Box", "new"]
        }))
    });
    typed || built
}

/// The binding of `tx` in `let (tx, rx) = oneshot::channel();` (tokio's
/// and futures' oneshot, with or without a turbofish): its `send` takes
/// the sender by value, where every other channel's `send` borrows it.
fn oneshot_sender(l: &syn::Local) -> Option<usize> {
    let Pat::Tuple(t) = &l.pat else { return None };
    let Expr::Call(c) = &*l.init.as_ref()?.expr else {
        return None;
    };
    let Expr::Path(p) = &*c.func else { return None };
    let names = crate::names::path_names(&p.path);
    if names.len() < 2 || names[names.len() - 2..] != ["oneshot", "channel"] {
        return None;
    }
    match t.elems.first()? {
        Pat::Ident(tx) if tx.subpat.is_none() && tx.by_ref.is_none() => crate::bindings::tag_of(tx),
        _ => None,
    }
}

impl Resolver {
    fn tick(&mut self) -> usize {
        self.pos += 1;
        self.pos
    }

    fn resolve(&self, name: &str) -> Option<usize> {
        for scope in self.scopes.iter().rev() {
            for (n, id) in scope.iter().rev() {
                if n == name {
                    return *id;
                }
            }
        }
        None
    }

    /// A use of `name` by a reference tagged `tag`: the tag is resolved too.
    fn use_tagged(&mut self, name: &str, tag: Option<usize>, kind: UseKind) {
        if let (Some(k), Some(id)) = (tag, self.resolve(name)) {
            self.refs.insert(k, id);
        }
        self.current_tag = tag;
        self.use_name(name, kind);
        self.current_tag = None;
    }

    fn use_name(&mut self, name: &str, kind: UseKind) {
        // A captured local the body consumes (`|| drop(d)`) is captured by
        // value, `move` or not, and the closure is an `FnOnce`.
        let consumed =
            self.consuming && self.outer_moving.is_some() && self.resolve(name).is_some();
        if consumed {
            self.consuming_captures.iter_mut().for_each(|c| *c = true);
        }
        let kind = match self.outer_moving {
            Some(true) if kind != UseKind::Assign => UseKind::Move,
            Some(false) if consumed => UseKind::Move,
            Some(false) if matches!(kind, UseKind::Move | UseKind::Read) => UseKind::Borrow,
            _ => kind,
        };
        if let Some(id) = self.resolve(name) {
            let tag = self.current_tag.take();
            if let Some(tag) = tag {
                self.ref_kinds.insert(tag, (id, kind));
            }
            if kind == UseKind::Borrow {
                self.borrows.push(id);
            }
            let pos = self.tick();
            let u = Use {
                pos,
                kind,
                loops: self.loops.clone(),
                branches: self.branches.clone(),
                then: Jump::default(),
                tag,
            };
            if let Some(b) = self.bindings.get_mut(&id) {
                b.uses.push(u);
            }
        }
    }

    /// Declares `pat`'s bindings, whose value came from an expression that
    /// borrowed `self.borrows[from..]`.
    /// A value taken from place `value` (`let y = x;`, `match cur { [a,
    /// rest @ ..] => .. }`) carries what that local borrows.
    fn declare_from(
        &mut self,
        pat: &Pat,
        initialized: bool,
        from: usize,
        simple_let: bool,
        value: Option<&Expr>,
    ) {
        let sources = self.sources_since(from, value);
        self.declare(pat, initialized);
        for b in bindings_of(pat) {
            if let Some(info) = self.bindings.get_mut(&b.id) {
                info.sources = sources.clone();
                info.simple_let = simple_let;
            }
        }
    }

    /// What a value computed since `self.borrows[from..]` borrows; taken
    /// from place `value`, also what that local borrows.
    fn sources_since(&self, from: usize, value: Option<&Expr>) -> HashSet<usize> {
        let start = from.min(self.borrows.len());
        let mut sources: HashSet<usize> = self.borrows[start..].iter().copied().collect();
        if let Some(info) = value
            .and_then(|v| self.place_binding(v))
            .and_then(|id| self.bindings.get(&id))
        {
            sources.extend(info.sources.iter().copied());
        }
        // Borrowing a local that holds borrows may reach through it
        // (`let t = &text; let h = t.trim();`: `h` borrows `text`).
        let through: Vec<usize> = sources
            .iter()
            .filter_map(|s| self.bindings.get(s))
            .flat_map(|info| info.sources.iter().copied())
            .collect();
        sources.extend(through);
        sources
    }

    /// The local that `e` names, if it is a plain path (`x`).
    fn local(&self, e: &Expr) -> Option<usize> {
        match e {
            Expr::Path(p) if p.path.segments.len() == 1 && p.qself.is_none() => {
                self.resolve(&p.path.segments[0].ident.to_string())
            }
            _ => None,
        }
    }

    /// Whether `l` binds a parameter (`let x = __lh_arg0;`, the prelude
    /// `signature::params` writes), and whether a call consumes what it
    /// binds, where the declared type or the initializer says (`callee`).
    fn callee_kind(&self, l: &syn::Local) -> (bool, Option<bool>) {
        let init = l.init.as_ref().map(|i| &*i.expr);
        // A closure written here: an `FnOnce` if its body consumes what it
        // captured (it was visited last).
        if matches!(init, Some(Expr::Closure(_))) {
            return (false, Some(self.last_capture_consumed));
        }
        if matches!(init, Some(Expr::Reference(_))) {
            return (false, Some(false));
        }
        let param = init
            .and_then(|e| match e {
                Expr::Path(p) => p.path.get_ident(),
                _ => None,
            })
            .and_then(|i| {
                i.to_string()
                    .strip_prefix("__lh_arg")?
                    .parse::<usize>()
                    .ok()
            });
        let sig = self.sig.as_ref();
        let declared = match (&l.pat, param, sig) {
            (Pat::Type(t), _, _) => Some(&*t.ty),
            (_, Some(k), Some(sig)) => match sig.inputs.iter().nth(k) {
                Some(syn::FnArg::Typed(t)) => Some(&*t.ty),
                _ => None,
            },
            _ => None,
        };
        let none = syn::Generics::default();
        let generics = sig.map_or(&none, |s| &s.generics);
        let consumed = declared.and_then(|ty| crate::callee::consumed_by_call(ty, generics));
        (param.is_some(), consumed)
    }

    /// The local that place `e` is in (`x`, `x.field`, `*x`, `(x)`).
    fn place_binding(&self, e: &Expr) -> Option<usize> {
        match e {
            Expr::Path(_) => self.local(e),
            Expr::Field(f) => self.place_binding(&f.base),
            Expr::Paren(p) => self.place_binding(&p.expr),
            Expr::Group(g) => self.place_binding(&g.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.place_binding(&u.expr),
            _ => None,
        }
    }

    fn declare(&mut self, pat: &Pat, initialized: bool) {
        for b in bindings_of(pat) {
            if let Some(old) = self.resolve(&b.ident.to_string()) {
                self.shadowed.insert(old);
            }
        }
        // Untagged names (inside closures and async blocks) still shadow.
        self.shadow(pat);
        for b in bindings_of(pat) {
            self.bindings.insert(
                b.id,
                BindingInfo {
                    binding: b.clone(),
                    initialized,
                    loops: self.loops.clone(),
                    uses: Vec::new(),
                    sources: HashSet::new(),
                    simple_let: false,
                    reference: false,
                    closure: false,
                    consumed_by_call: None,
                    param: false,
                    boxed: false,
                    oneshot_sender: false,
                },
            );
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((b.ident.to_string(), Some(b.id)));
            }
        }
    }

    /// Names a closure's parameters shadow (untracked).
    fn shadow(&mut self, pat: &Pat) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.extend(
                crate::bindings::pattern_names(pat)
                    .into_iter()
                    .map(|s| (s, None)),
            );
        }
    }

    fn in_loop(&mut self, label: Option<&syn::Label>, f: impl FnOnce(&mut Self)) {
        let id = self.next_loop;
        self.next_loop += 1;
        self.loops.push(id);
        self.in_target(label, Some(id), f);
        self.loops.pop();
    }

    /// Visits a loop or labelled block that `break` can leave.
    fn in_target(
        &mut self,
        label: Option<&syn::Label>,
        id: Option<usize>,
        f: impl FnOnce(&mut Self),
    ) {
        let end = self.ends.len();
        self.ends.push(usize::MAX);
        let name = label.map(|l| l.name.ident.to_string());
        self.targets.push((name, id, end));
        f(self);
        self.targets.pop();
        self.ends[end] = self.pos;
    }

    /// Where statement `s` jumps when it is reached (`break`, `return`,
    /// `continue 'outer`, `panic!`): see [`Resolver::jumps`].
    fn leaves(&self, s: &Stmt) -> Option<Leaving> {
        match s {
            Stmt::Macro(m) if crate::awaits::never_returns(&m.mac) => self.leaves_everything(),
            Stmt::Expr(e, _) => self.jumps(e),
            _ => None,
        }
    }

    /// A `return` or `panic!`: every loop, and nothing reached after it
    /// (but a closure's or `async` block's own are their business).
    fn leaves_everything(&self) -> Option<Leaving> {
        let in_closure = self.outer_moving.is_some();
        (!in_closure).then(|| Leaving {
            loops: self.loops.clone(),
            to: usize::MAX,
            to_head: false,
        })
    }

    /// Where `e` jumps, if it is a jump (`break`, `return`, `continue
    /// 'outer`, `panic!`): the loops it leaves for good, and the target it
    /// skips to the end of. Inside a closure or `async` block, `return` and
    /// `panic!` are its own business.
    fn jumps(&self, e: &Expr) -> Option<Leaving> {
        let loops_from =
            |i: usize| -> Vec<usize> { self.targets[i..].iter().filter_map(|t| t.1).collect() };
        let target = |label: &Option<syn::Lifetime>| match label {
            Some(l) => {
                let name = l.ident.to_string();
                self.targets
                    .iter()
                    .rposition(|t| t.0.as_deref() == Some(name.as_str()))
            }
            None => self.targets.iter().rposition(|t| t.1.is_some()),
        };
        match e {
            Expr::Return(_) => self.leaves_everything(),
            Expr::Macro(m) if crate::awaits::never_returns(&m.mac) => self.leaves_everything(),
            Expr::Break(b) => target(&b.label).map(|i| Leaving {
                loops: loops_from(i),
                to: self.targets[i].2,
                to_head: false,
            }),
            // To the loop's head: it leaves only the loops inside that one.
            Expr::Continue(c) => target(&c.label).map(|i| Leaving {
                loops: loops_from(i + 1),
                to: self.targets[i].2,
                to_head: true,
            }),
            _ => None,
        }
    }

    fn in_scope(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(Vec::new());
        f(self);
        self.scopes.pop();
    }

    fn in_branch(&mut self, node: usize, arm: usize, f: impl FnOnce(&mut Self)) {
        self.branches.push((node, arm));
        f(self);
        self.branches.pop();
        self.arm_ends.insert((node, arm), self.pos);
    }

    /// Does every run through arm `arm` of `node` jump out of it (`None =>
    /// return ..`), by a jump written in the arm itself? Where to, if so.
    fn arm_exit(&self, node: usize, arm: usize) -> Option<ArmExit> {
        let &end = self.arm_ends.get(&(node, arm))?;
        let (_, jump) = self.arm_jumps.iter().find(|(a, j)| {
            *a == (node, arm)
                && self
                    .ends
                    .get(j.to)
                    .is_none_or(|&target_end| target_end >= end)
        })?;
        Some(match self.ends.get(jump.to) {
            None => ArmExit::Nowhere,
            Some(_) if jump.to_head => ArmExit::Head,
            Some(&target_end) => ArmExit::After(target_end),
        })
    }

    /// A new branching construct with `arms` ways through it (an `if`
    /// without `else` has two: the second runs nothing).
    fn branch_node(&mut self, arms: usize) -> usize {
        self.next_branch += 1;
        self.arms.insert(self.next_branch, arms);
        self.next_branch
    }

    fn block(&mut self, b: &syn::Block) {
        let start = self.pos;
        self.in_scope(|r| {
            for s in &b.stmts {
                r.stmt(s);
                if let Some(jump) = r.leaves(s) {
                    r.mark_leaving(start, jump);
                }
            }
        });
    }

    /// Every use and suspension point since position `start` is followed by
    /// a jump that leaves `loops` for good and skips to the end of target
    /// `to`.
    fn mark_leaving(&mut self, start: usize, jump: Leaving) {
        let from = self.tick();
        let (loops, to) = (&jump.loops, jump.to);
        for info in self.bindings.values_mut() {
            for u in info.uses.iter_mut().filter(|u| u.pos > start) {
                u.then.mark(loops, from, to);
            }
        }
        for a in self.awaits.values_mut().filter(|a| a.pos > start) {
            a.then.mark(loops, from, to);
        }
        if let Some(&arm) = self.branches.last() {
            self.arm_jumps.push((arm, jump));
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Local(l) => {
                let from = self.borrows.len();
                if let Some(init) = &l.init {
                    self.expr(&init.expr, scrutinee_use(&l.pat));
                    if let Some((_, els)) = &init.diverge {
                        let node = self.branch_node(2);
                        self.in_branch(node, 1, |r| r.expr(els, UseKind::Move));
                    }
                }
                // A closure that does not `move` captures by reference: no
                // destructor either (see `BindingInfo::reference`).
                let reference = l.init.as_ref().is_some_and(|i| match &*i.expr {
                    Expr::Reference(_) => true,
                    // (One that consumes a capture owns it.)
                    Expr::Closure(c) => c.capture.is_none() && !self.last_capture_consumed,
                    _ => false,
                }) || matches!(&l.pat, Pat::Type(t) if matches!(&*t.ty, syn::Type::Reference(_)));
                let simple = match &l.pat {
                    Pat::Ident(p) => p.subpat.is_none() && p.by_ref.is_none(),
                    Pat::Type(t) => {
                        matches!(&*t.pat, Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none())
                    }
                    _ => false,
                };
                // `let tx = tx;` (a tuple pattern with a pinned binding is
                // split so) keeps a oneshot sender one; resolved before the
                // new `tx` shadows the old.
                let renamed_sender = (|| {
                    let from = self.local(&l.init.as_ref()?.expr)?;
                    let Pat::Ident(p) = &l.pat else { return None };
                    let sender = self.bindings.get(&from)?.oneshot_sender;
                    sender.then(|| crate::bindings::tag_of(p)).flatten()
                })();
                // `let y = x;` moves `x`'s value, and with it what it borrows.
                let value = l.init.as_ref().map(|i| &*i.expr);
                self.declare_from(&l.pat, l.init.is_some(), from, simple, value);
                let closure = l.init.as_ref().is_some_and(|i| {
                    matches!(&*i.expr, Expr::Closure(c) if c.capture.is_none())
                        && !self.last_capture_consumed
                });
                if reference {
                    for b in bindings_of(&l.pat) {
                        if let Some(info) = self.bindings.get_mut(&b.id) {
                            info.reference = true;
                            info.closure = closure;
                        }
                    }
                }
                let (param, consumed_by_call) = self.callee_kind(l);
                for b in bindings_of(&l.pat) {
                    if let Some(info) = self.bindings.get_mut(&b.id) {
                        info.param = param;
                        info.consumed_by_call = consumed_by_call;
                    }
                }
                if declares_box(l) {
                    for b in bindings_of(&l.pat) {
                        if let Some(info) = self.bindings.get_mut(&b.id) {
                            info.boxed = true;
                        }
                    }
                }
                if let Some(tx) = oneshot_sender(l).or(renamed_sender)
                    && let Some(info) = self.bindings.get_mut(&tx)
                {
                    info.oneshot_sender = true;
                }
            }
            Stmt::Expr(e, _) => self.expr(e, UseKind::Move),
            Stmt::Macro(m) => self.mac(&m.mac, &m.attrs),
            Stmt::Item(_) => {}
        }
    }

    /// An `if`/`while` condition: `let` bindings land in the current scope.
    fn cond(&mut self, e: &Expr) {
        match e {
            Expr::Let(l) => {
                let from = self.borrows.len();
                self.expr(&l.expr, scrutinee_use(&l.pat));
                self.declare_from(&l.pat, true, from, false, Some(&l.expr));
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.cond(&b.left);
                self.cond(&b.right);
            }
            Expr::Paren(p) => self.cond(&p.expr),
            _ => self.expr(e, UseKind::Move),
        }
    }

    fn mac(&mut self, mac: &syn::Macro, attrs: &[syn::Attribute]) {
        match macro_args::parse(mac) {
            Some(args) => {
                let borrows = macro_args::borrows_args(mac);
                let kind = if borrows {
                    UseKind::Borrow
                } else {
                    UseKind::Move
                };
                // (A format string's captures are named arguments by now.)
                // What the `format_args!` family makes borrows nothing
                // (`format!` gives a `String`), but `format_args!` itself.
                if borrows && macro_args::name(mac) != "format_args" {
                    self.barrier(|r| args.args.iter().for_each(|a| r.expr(a, kind)));
                } else {
                    for a in &args.args {
                        self.expr(a, kind);
                    }
                }
                // A pattern's guard reads the locals it names.
                self.token_uses(args.rest(), attrs, UseKind::Read);
                // A macro longhand does not know as a formatting one may
                // pass a string on to `format!` (`note!("added {x}")`): what
                // such a string captures is read there.
                if macro_args::format_string_at(mac).is_none() {
                    for a in &args.args {
                        if let Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(lit),
                            ..
                        }) = a
                        {
                            for name in macro_args::format_captures(lit) {
                                self.use_name(&name, UseKind::Borrow);
                            }
                        }
                    }
                }
            }
            // Tokens it cannot read: every name in them is taken as a use,
            // tagged so that a local moved elsewhere is given back to it.
            None => self.token_uses(&mac.tokens, attrs, UseKind::Borrow),
        }
    }

    /// Every name in `tokens` taken as a use of that kind, resolved through
    /// the macro call's tags (see `macro_aliases`).
    fn token_uses(
        &mut self,
        tokens: &proc_macro2::TokenStream,
        attrs: &[syn::Attribute],
        kind: UseKind,
    ) {
        let tags = crate::macro_aliases::uses(attrs);
        for name in macro_args::token_names(tokens) {
            let tag = tags.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
            self.use_tagged(&name.to_string(), tag, kind);
        }
    }

    /// Visits operands in the order the lowered code evaluates them: after
    /// normalisation, operands before one that suspends are inert places,
    /// which the resumed code reads only after the suspension.
    fn operands(&mut self, ops: Vec<(&Expr, UseKind)>) {
        let (suspending, rest): (Vec<_>, Vec<_>) = ops
            .into_iter()
            .partition(|(e, _)| crate::awaits::contains_await(e));
        if suspending.is_empty() {
            rest.into_iter().for_each(|(e, k)| self.expr(e, k));
        } else {
            suspending.into_iter().for_each(|(e, k)| self.expr(e, k));
            rest.into_iter().for_each(|(e, k)| self.expr(e, k));
        }
    }

    /// Is every occurrence in a closure's body of a local in scope one that
    /// the body gives away (`given`)? Then the closure owns only what it
    /// gives away (any other name of a local counts against it, even a
    /// parameter or field of the same name: the answer errs towards no).
    fn gives_away_all(&self, body: &Expr, given: &[&syn::ExprPath]) -> bool {
        let mut counts = HashMap::new();
        count_idents(quote::ToTokens::to_token_stream(body), &mut counts);
        for p in given {
            if let Some(n) = p
                .path
                .get_ident()
                .and_then(|i| counts.get_mut(&i.to_string()))
            {
                *n -= 1;
            }
        }
        !given.is_empty()
            && counts
                .iter()
                .all(|(name, n)| *n == 0 || self.resolve(name).is_none())
    }

    /// Visits `e` (a captured local) as moved by a use that consumes it
    /// whatever its type (`drop(e)`, a oneshot `e.send(..)`, `e.await`):
    /// the closure or `async` block captures it by value.
    fn consumed(&mut self, e: &Expr) {
        self.consuming = true;
        self.expr(e, UseKind::Move);
        self.consuming = false;
    }

    /// Visits the body of a closure or `async` block, `move` or not.
    fn in_capture(&mut self, moving: bool, f: impl FnOnce(&mut Self)) {
        let first = self.outer_moving.is_none();
        if first {
            self.outer_moving = Some(moving);
        }
        self.borrowing_capture += !moving as usize;
        self.consuming_captures.push(false);
        f(self);
        self.last_capture_consumed = self.consuming_captures.pop().unwrap_or(false);
        self.borrowing_capture -= !moving as usize;
        if first {
            self.outer_moving = None;
        }
    }

    /// Visits `e`, whose result is a new value that borrows nothing from its
    /// operands (arithmetic, comparisons, casts): borrows made inside it are
    /// uses, but do not flow into the value being computed.
    fn barrier(&mut self, f: impl FnOnce(&mut Self)) {
        if self.borrowing_capture > 0 {
            // Inside a closure every captured local flows into the closure.
            return f(self);
        }
        let mark = self.borrows.len();
        f(self);
        self.borrows.truncate(mark);
    }

    /// The left side of `=`: each plain name in a destructuring assignment
    /// (`(x, rest) = value`) is assigned; anything else is a place.
    fn assignee(&mut self, e: &Expr) {
        match e {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let tag = crate::bindings::ref_tag(&p.attrs);
                self.use_tagged(&p.path.segments[0].ident.to_string(), tag, UseKind::Assign);
            }
            Expr::Tuple(t) => t.elems.iter().for_each(|x| self.assignee(x)),
            Expr::Array(t) => t.elems.iter().for_each(|x| self.assignee(x)),
            Expr::Call(c) => c.args.iter().for_each(|x| self.assignee(x)),
            Expr::Struct(s) => s.fields.iter().for_each(|f| self.assignee(&f.expr)),
            Expr::Paren(p) => self.assignee(&p.expr),
            Expr::Infer(_) => {}
            other => self.expr(other, UseKind::Borrow),
        }
    }

    /// A method call whose receiver is used as `receiver` says.
    fn method_call(&mut self, m: &syn::ExprMethodCall, receiver: UseKind) {
        self.operands(
            std::iter::once((&*m.receiver, receiver))
                .chain(m.args.iter().map(|x| (x, UseKind::Move)))
                .collect(),
        );
    }

    fn expr(&mut self, e: &Expr, ctx: UseKind) {
        let new_value = match e {
            Expr::Binary(b) => !matches!(
                b.op,
                syn::BinOp::AddAssign(_)
                    | syn::BinOp::SubAssign(_)
                    | syn::BinOp::MulAssign(_)
                    | syn::BinOp::DivAssign(_)
                    | syn::BinOp::RemAssign(_)
                    | syn::BinOp::BitXorAssign(_)
                    | syn::BinOp::BitAndAssign(_)
                    | syn::BinOp::BitOrAssign(_)
                    | syn::BinOp::ShlAssign(_)
                    | syn::BinOp::ShrAssign(_)
            ),
            // (Not a cast to a reference or a pointer, `&t as &dyn Named`,
            // which still points into what its operand borrows.)
            Expr::Cast(c) => !matches!(&*c.ty, syn::Type::Reference(_) | syn::Type::Ptr(_)),
            Expr::Unary(u) => !matches!(u.op, syn::UnOp::Deref(_)),
            _ => false,
        };
        if new_value {
            return self.barrier(|r| r.expr_inner(e, ctx));
        }
        self.expr_inner(e, ctx)
    }

    fn expr_inner(&mut self, e: &Expr, ctx: UseKind) {
        use UseKind::*;
        if let Some(id) = raw_address_of(e).and_then(|place| self.place_binding(&place)) {
            self.raw_addressed.insert(id);
        }
        match e {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                // What a `move` closure returns consumes it (see `given_away`).
                let given = self.given_away.contains(&(p as *const syn::ExprPath));
                self.consuming |= given;
                self.use_tagged(&name, crate::bindings::ref_tag(&p.attrs), ctx);
                self.consuming &= !given;
            }
            Expr::Array(a) => self.operands(a.elems.iter().map(|x| (x, Move)).collect()),
            Expr::Tuple(t) => self.operands(t.elems.iter().map(|x| (x, Move)).collect()),
            Expr::Call(c) if self.outer_moving.is_some() && consumes_capture(c).is_some() => {
                self.consumed(&c.args[0]);
            }
            Expr::Call(c) => {
                // `Iterator::next(&mut iter)` (a `for` loop's desugaring) is
                // `iter.next()`: its result does not borrow `iter`.
                let owned = match &*c.func {
                    Expr::Path(p) => p
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| returns_owned(&s.ident.to_string())),
                    _ => false,
                };
                let args = c.args.iter().enumerate().map(|(i, x)| match x {
                    Expr::Reference(r) if owned && i == 0 => (&*r.expr, Read),
                    _ => (x, Move),
                });
                // Calling a local (`let d = hook();`): an `Fn`'s output
                // cannot borrow the callee itself, only what it borrows. The
                // callee is read where its type says it is an `Fn` (or the
                // closure is written in the body and consumes none of its
                // captures), consumed where it says `FnOnce` (or the closure
                // does, `|| drop(d)`); a parameter of unknown type is read, another
                // local (a loop's item, a value taken out of an `Option`)
                // consumed, unless it is used again (`moves_that_copy` then
                // makes the call a read).
                let local = self.local(&c.func);
                let callee = match local.and_then(|id| self.bindings.get(&id)) {
                    Some(info) => match info.consumed_by_call {
                        Some(true) => Move,
                        Some(false) => Read,
                        None if info.param => Read,
                        None => Move,
                    },
                    None if local.is_some() => Read,
                    None => Borrow,
                };
                self.operands(std::iter::once((&*c.func, callee)).chain(args).collect());
                if let Some(info) = local.and_then(|id| self.bindings.get(&id)) {
                    let through: Vec<usize> = info.sources.iter().copied().collect();
                    self.borrows.extend(through);
                }
            }
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let sends_once = || {
                    method == "send"
                        && self
                            .local(&m.receiver)
                            .and_then(|id| self.bindings.get(&id))
                            .is_some_and(|info| info.oneshot_sender)
                };
                let kind = if sends_once() && self.outer_moving.is_some() {
                    // Consumes the captured sender (see `consumes_capture`).
                    self.consumed(&m.receiver);
                    m.args.iter().for_each(|x| self.expr(x, Move));
                    return;
                } else if method_consumes_receiver(m) || sends_once() {
                    Move
                } else if returns_owned(&method) {
                    Read
                } else {
                    Borrow
                };
                self.method_call(m, kind);
            }
            Expr::Binary(b) => {
                use syn::BinOp::*;
                match b.op {
                    Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) => {
                        self.operands(vec![(&*b.left, Read), (&*b.right, Read)])
                    }
                    And(_) | Or(_) => {
                        // The right side runs on some paths only. Resumed
                        // inside it, the value is its own: the left side is
                        // not read again (see `resume`).
                        let node = self.branch_node(2);
                        self.expr(&b.left, Move);
                        self.in_branch(node, 0, |r| r.expr(&b.right, Move));
                    }
                    AddAssign(_) | SubAssign(_) | MulAssign(_) | DivAssign(_) | RemAssign(_)
                    | BitXorAssign(_) | BitAndAssign(_) | BitOrAssign(_) | ShlAssign(_)
                    | ShrAssign(_) => {
                        // The value first (primitive types), unless the
                        // place suspends: then the value, a local or
                        // lifted into one, is read after it (`normalize`).
                        self.operands(vec![(&*b.right, Move), (&*b.left, Borrow)]);
                    }
                    _ => self.operands(vec![(&*b.left, Move), (&*b.right, Move)]),
                }
            }
            Expr::Unary(u) => match u.op {
                // `let inner = *boxed;` moves out of the box.
                syn::UnOp::Deref(_)
                    if ctx == Move
                        && self
                            .local(&u.expr)
                            .and_then(|id| self.bindings.get(&id))
                            .is_some_and(|info| info.boxed) =>
                {
                    self.expr(&u.expr, Move)
                }
                syn::UnOp::Deref(_) => self.expr(&u.expr, Borrow),
                _ => self.expr(&u.expr, Move),
            },
            Expr::Cast(c) => self.expr(&c.expr, Move),
            Expr::Paren(p) => self.expr(&p.expr, ctx),
            Expr::Group(g) => self.expr(&g.expr, ctx),
            Expr::Reference(r) => {
                self.expr(&r.expr, Borrow);
                if let Some(u) = self
                    .local(&r.expr)
                    .and_then(|id| self.bindings.get(&id))
                    .and_then(|info| info.uses.last())
                {
                    self.addressed.insert(u.pos);
                }
            }
            Expr::Field(f) => self.expr(&f.base, if ctx == Move { Read } else { ctx }),
            Expr::Index(i) => self.operands(vec![(&*i.expr, Borrow), (&*i.index, Move)]),
            // `_ = e;` moves nothing, as `let _ = e;` does not.
            Expr::Assign(a) if matches!(&*a.left, Expr::Infer(_)) => {
                self.expr(&a.right, UseKind::Borrow)
            }
            Expr::Assign(a) => {
                // A place that suspends (`*lock.write().await = v`) is
                // evaluated before its value, lifted into a temporary
                // (`normalize`), is written: that value is read after it.
                let place_first = crate::awaits::contains_await(&a.left);
                if place_first {
                    self.assignee(&a.left);
                }
                let from = self.borrows.len();
                self.expr(&a.right, Move);
                // What the new value borrows, the local now may too
                // (`r = &b;`). Never the local itself: what borrows its old
                // value cannot outlive the assignment (`req =
                // req.header(..)` on `&self` would be refused by rustc;
                // `rest = &rest[1..]` borrows what `rest` points to).
                if let Some(id) = self.local(&a.left) {
                    let mut sources = self.sources_since(from, Some(&a.right));
                    sources.remove(&id);
                    if let Some(info) = self.bindings.get_mut(&id) {
                        info.sources.extend(sources);
                    }
                }
                if !place_first {
                    self.assignee(&a.left);
                }
            }
            // `lo..end.await`: a plain start is read after the suspension.
            Expr::Range(r) => self.operands(
                r.start
                    .iter()
                    .chain(r.end.iter())
                    .map(|x| (&**x, Move))
                    .collect(),
            ),
            Expr::Struct(s) => self.operands(
                s.fields
                    .iter()
                    .map(|f| (&f.expr, Move))
                    .chain(s.rest.iter().map(|r| (&**r, Move)))
                    .collect(),
            ),
            Expr::Repeat(r) => self.expr(&r.expr, Move),
            Expr::Try(t) => self.expr(&t.expr, Move),
            Expr::Await(a) => {
                let operand = self.pos + 1;
                match &*a.base {
                    Expr::MethodCall(m) if awaited_consumes_receiver(&m.method.to_string()) => {
                        self.method_call(m, Move)
                    }
                    // `.await` takes its operand by value (`into_future(self)`),
                    // whatever its type: a captured local awaited in an
                    // `async` block or closure is captured by value, `move`
                    // or not (`let b = async { a.await };`).
                    base @ Expr::Path(p)
                        if self.outer_moving.is_some()
                            && p.qself.is_none()
                            && p.path.get_ident().is_some() =>
                    {
                        self.consumed(base);
                    }
                    base => self.expr(base, Move),
                }
                let pos = self.tick();
                if let Some(n) = crate::awaits::await_id(a) {
                    let in_scope = self
                        .scopes
                        .iter()
                        .flatten()
                        .filter_map(|(_, id)| *id)
                        .collect();
                    self.awaits.insert(
                        n,
                        AwaitInfo {
                            pos,
                            operand,
                            in_scope,
                            loops: self.loops.clone(),
                            branches: self.branches.clone(),
                            then: Jump::default(),
                        },
                    );
                }
            }
            Expr::Return(r) => {
                if let Some(v) = &r.expr {
                    self.expr(v, Move);
                }
            }
            Expr::Break(b) => {
                if let Some(v) = &b.expr {
                    self.expr(v, Move);
                }
            }
            Expr::Block(b) => match &b.label {
                Some(l) => self.in_target(Some(l), None, |r| r.block(&b.block)),
                None => self.block(&b.block),
            },
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::Const(c) => self.block(&c.block),
            Expr::If(i) => {
                let node = self.branch_node(2);
                self.in_scope(|r| {
                    r.cond(&i.cond);
                    r.in_branch(node, 0, |r| r.block(&i.then_branch));
                });
                if let Some((_, els)) = &i.else_branch {
                    self.in_branch(node, 1, |r| r.expr(els, Move));
                }
            }
            Expr::Let(l) => {
                self.expr(&l.expr, scrutinee_use(&l.pat));
                self.declare(&l.pat, true);
            }
            Expr::Match(m) => {
                let from = self.borrows.len();
                // (As in `scrutinee_use`, over all the arms.)
                let kind = if m.arms.iter().any(|a| crate::bindings::binds_by_ref(&a.pat)) {
                    Borrow
                } else if m.arms.iter().any(|a| binds_by_value(&a.pat)) {
                    Move
                } else {
                    Borrow
                };
                // A local's place (`match o`, `match self.state`) is moved
                // out of only in the arms that bind by value, when they are
                // taken: in the others (`_ => x.await`) it is still whole,
                // and kept to the end of its scope. (A move in another arm
                // is reached from a suspension point only round a loop: see
                // `after` in `decide`.)
                let moved_per_arm = kind == Move && local_place(&m.expr);
                self.expr(&m.expr, if moved_per_arm { Read } else { kind });
                let node = self.branch_node(m.arms.len());
                for (i, arm) in m.arms.iter().enumerate() {
                    self.in_branch(node, i, |r| {
                        // (Before the arm's bindings, which may shadow it:
                        // `c if c.is_whitespace()` in `match c`.)
                        if moved_per_arm && binds_by_value(&arm.pat) {
                            r.expr(&m.expr, Move);
                        }
                        r.in_scope(|r| {
                            r.declare_from(&arm.pat, true, from, false, Some(&m.expr));
                            if let Some((_, g)) = &arm.guard {
                                r.expr(g, Move);
                            }
                            let start = r.pos;
                            r.expr(&arm.body, Move);
                            // `None => return 0,`: an arm that is a jump.
                            if let Some(jump) = r.jumps(&arm.body) {
                                r.mark_leaving(start, jump);
                            }
                        })
                    });
                }
            }
            Expr::Loop(l) => self.in_loop(l.label.as_ref(), |r| r.block(&l.body)),
            Expr::While(w) => self.in_loop(w.label.as_ref(), |r| {
                r.in_scope(|r| {
                    r.cond(&w.cond);
                    r.block(&w.body);
                })
            }),
            Expr::ForLoop(f) => {
                self.expr(&f.expr, Move);
                self.in_loop(f.label.as_ref(), |r| {
                    r.in_scope(|r| {
                        r.declare(&f.pat, true);
                        r.block(&f.body);
                    })
                });
            }
            Expr::Closure(c) => {
                let moving = c.capture.is_some();
                if moving {
                    let mut given = Vec::new();
                    given_away(&c.body, &mut given);
                    if self.gives_away_all(&c.body, &given) {
                        self.given_away
                            .extend(given.into_iter().map(|p| p as *const syn::ExprPath));
                    }
                }
                self.in_scope(|r| {
                    for p in &c.inputs {
                        r.shadow(p);
                    }
                    r.in_capture(moving, |r| r.expr(&c.body, Move));
                });
            }
            Expr::Async(a) => {
                self.in_capture(a.capture.is_some(), |r| r.block(&a.block));
            }
            Expr::Macro(m) => self.mac(&m.mac, &m.attrs),
            Expr::Verbatim(ts) => {
                for name in macro_args::token_names(ts) {
                    self.use_name(&name.to_string(), UseKind::Borrow);
                }
            }
            Expr::Yield(y) => {
                if let Some(v) = &y.expr {
                    self.expr(v, Move);
                }
            }
            Expr::TryBlock(t) => self.block(&t.block),
            Expr::RawAddr(r) => self.expr(&r.expr, Borrow),
            _ => {}
        }
    }
}
