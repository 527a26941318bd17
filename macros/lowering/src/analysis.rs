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
//!
//! The parts: `walk` visits the body and records each use, `resolve` keeps
//! its scopes, loops, branches and jumps, `shapes`, `methods` and `user_types` say
//! what a piece of syntax, a method's name or a declaration implies without
//! types, and `decide`
//! turns the uses into what each suspension point keeps. `analyse` (below)
//! then chooses which bindings stay pinned in place.

mod decide;
mod methods;
mod resolve;
mod shapes;
mod user_types;
mod walk;

use crate::bindings::{Binding, bindings_of, binds_by_value};
use crate::macro_args;
use decide::{borrow_ended, decide, moves_that_copy};
pub use methods::method_consumes_receiver;
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
    /// Declared a `Box` (`b: Box<T>`), or of unwritten type and bound from
    /// a value that may be one (`Some(b)`, `for b in boxes`; see
    /// `shapes::may_hold_box`): `*b` as a value moves out of it, where
    /// `*guard` would copy out of a guard that lives on.
    boxed: bool,
    /// The sending half of a oneshot channel (`let (tx, rx) =
    /// oneshot::channel();`), whose `send` takes `self`.
    oneshot_sender: bool,
    /// Declared of, or built by a constructor of, a type that is not the
    /// standard library's (`c: Cursor`, `let r = Ring::new(..)`): its
    /// `next` or `pop` may lend from it (see `user_types`).
    user_type: bool,
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
    /// Bindings moved on some branches only before this point, or declared
    /// without a value and assigned on some only (`let last;` assigned in
    /// a loop): alive or not depending on the path taken, like rustc's
    /// drop-flagged locals. They are pinned, since a pin slot carries its
    /// own drop flag.
    pub flagged: Vec<Binding>,
    /// Bindings not stored, but declared again (uninitialised) on resumption
    /// because the resumed code assigns them.
    pub redeclared: HashSet<usize>,
    /// Of those, the ones typed by a carrier (see `type_carriers`).
    pub typed_by_carrier: HashSet<usize>,
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
