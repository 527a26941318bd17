//! Pinning: rewrite the locals that must stay in place.
//!
//! A local that another kept value borrows across a suspension point, or
//! that an awaitee borrows (what it returns may borrow it too), lives in a
//! `PinSlot` next to the state (see `analysis`). Its `let` becomes
//!
//! ```text
//! let value = <initializer>;
//! let __lh_pin7 = unsafe { PinSlot::init(__lh_slot0, value) };   // &mut PinLocal<T>
//! let __lh_pinguard7 = unsafe { PinGuard::new(__lh_this, __lh_slot0) };
//! ```
//!
//! and each use of it becomes, by how it is used: `(*__lh_pin7).value` (a
//! place: borrowed, read, called with `&self`/`&mut self`), `PinSlot::take`
//! (moved) or `PinSlot::assign(..).put(v)` (assigned as a whole; `put`'s
//! known parameter type lets `v` coerce, `Some(Box::new(f))` into an
//! `Option<Box<dyn Fn()>>`, as in a native assignment). When the future resumes,
//! the pin and its guard are derived again at the same scope (`resume`).

use crate::analysis::{Liveness, UseKind};
use crate::bindings::{ref_tag, tag_of};
use crate::names::hidden;
use crate::signature::Param;
use quote::quote;
use std::collections::{HashMap, HashSet};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Pat, Stmt, parse_quote, parse_quote_spanned};

/// The hidden `&mut PinLocal<T>` of pinned binding `id`, through which a
/// closure or async block reaches it: a closure captures the place behind
/// it, which holds no loan on the poll's own variables.
pub fn pin_ident(id: usize) -> proc_macro2::Ident {
    hidden(&format!("__lh_pin{id}"))
}

/// The hidden guard of pinned binding `id`.
pub fn guard_ident(id: usize) -> proc_macro2::Ident {
    hidden(&format!("__lh_pinguard{id}"))
}

/// The hidden raw pointer to pin slot `k`.
pub fn slot_ident(k: usize) -> proc_macro2::Ident {
    hidden(&format!("__lh_slot{k}"))
}

/// What a pinned binding's scope declares, where the binding is declared
/// and again, at the same scope, where the future resumes: the reference
/// closures reach it through, and the guard that drops it when the scope
/// ends. `first` is the declaration's own `PinSlot::init`, or `None` to
/// reach the live slot again.
pub fn scope_statements(id: usize, slot: usize, first: Option<Expr>) -> Vec<Stmt> {
    let pin = pin_ident(id);
    let guard = guard_ident(id);
    let slot = slot_ident(slot);
    let this = hidden("__lh_this");
    let reach: Expr = match first {
        Some(init) => init,
        // SAFETY (in the template): the slot is live: its local is in scope.
        None => parse_quote!(unsafe { ::longhand::__private::PinSlot::get(#slot) }),
    };
    vec![
        parse_quote!(let #pin = #reach;),
        // SAFETY: the state and the slot belong to this pinned future.
        parse_quote!(let #guard = unsafe { ::longhand::__private::PinGuard::new(#this, #slot) };),
    ]
}

/// Which pinned binding a scope's `let __lh_pinN = ..` belongs to.
pub fn pinned_binding(pat: &Pat) -> Option<usize> {
    let Pat::Ident(p) = pat else { return None };
    p.ident.to_string().strip_prefix("__lh_pin")?.parse().ok()
}

/// The hidden local a `move` closure captures pinned binding `id` through.
fn captured_ident(id: usize) -> proc_macro2::Ident {
    hidden(&format!("__lh_captured{id}"))
}

/// Moves the local out of pinned slot `k` (a `Copy` value stays readable:
/// the slot's bytes are left as they are, only its drop flag is cleared).
fn take(slot: usize) -> Expr {
    let slot_ptr = slot_ident(slot);
    // SAFETY (in the template): the local is live at a use; the native check
    // of the body guarantees no borrow of it is used afterwards.
    parse_quote!(unsafe { ::longhand::__private::PinSlot::take(#slot_ptr) })
}

/// A use of pinned slot `k` as a place: `(*PinSlot::get(slot)).value`.
/// Each use reaches the slot afresh, with a lifetime tied to no local, so
/// a borrow kept across a suspension point holds no loan on the poll's own
/// variables (rustc's checker on the native copy of the body vouches for
/// the borrows themselves).
fn place(slot: usize, span: proc_macro2::Span) -> Expr {
    let slot = slot_ident(slot);
    // SAFETY (in the template): the slot is live wherever its local is used.
    let reach = quote!(unsafe { ::longhand::__private::PinSlot::get(#slot) });
    // The place carries the user's span: an error about it (a method that
    // takes `self` by value, say) points at the user's local.
    let at = proc_macro2::Span::call_site().located_at(span);
    let value = proc_macro2::Ident::new("value", at);
    parse_quote_spanned!(at=> (*#reach).#value)
}

/// Rewrites the declarations and uses of the pinned bindings in `body`.
///
/// A pinned parameter (its `let list = __lh_arg0;` in the body's prelude)
/// is stored in its slot when the function is called, not on the first
/// poll: `Unresumed` then does not hold it too, and the first poll does not
/// move it. Each parameter's `slot` says where it waits, if it does.
pub fn rewrite(body: &mut syn::Block, liveness: &Liveness, params: &mut [Param]) {
    if liveness.pinned.is_empty() {
        return;
    }
    let slots = liveness.slots();
    Rewrite {
        slots: &slots,
        refs: &liveness.refs,
        borrowers: &liveness.borrowers,
        references: &liveness.references,
        in_scope: Vec::new(),
        released: HashSet::new(),
        nested: 0,
        borrowing: 0,
        captures: Vec::new(),
        field_base: false,
        params,
        next_part: 0,
    }
    .visit_block_mut(body);
}

struct Rewrite<'a> {
    slots: &'a HashMap<usize, usize>,
    refs: &'a HashMap<usize, (usize, UseKind)>,
    borrowers: &'a HashMap<usize, HashSet<usize>>,
    references: &'a HashSet<usize>,
    /// The bindings the enclosing blocks' `let`s have declared so far.
    in_scope: Vec<usize>,
    /// Pinned bindings moved out of their slots for the rest of their
    /// scope (see `release`): named by their ordinary local there.
    released: HashSet<usize>,
    /// Inside a closure or async block.
    nested: usize,
    /// Inside a closure or async block that is not `move`.
    borrowing: usize,
    /// For each enclosing `move` closure or `async move` block, innermost
    /// last, the pinned bindings (and slots) it captures.
    captures: Vec<Capture>,
    /// The path being visited is the base of a field access (`s` in `s.a`).
    field_base: bool,
    /// The function's parameters, whose `slot` is set when one is pinned.
    params: &'a mut [Param],
    /// Numbers the parts of split destructuring assignments.
    next_part: usize,
}

/// What a `move` closure or `async move` block captures of the pinned
/// locals.
#[derive(Default)]
struct Capture {
    /// The bindings (and their slots) it takes, in order.
    taken: Vec<(usize, usize)>,
    /// Those it names whole somewhere.
    whole: std::collections::HashSet<usize>,
    /// Those it names through a field (`s.a`), with the first such use.
    fields: HashMap<usize, proc_macro2::Span>,
}

impl Capture {
    /// rustc captures only the fields of a local that a closure names only
    /// through fields (`move || s.a.touch()`), and the rest of the local
    /// stays usable. A pinned local cannot be split: taking all of it would
    /// leave the rest's later uses reading an emptied slot. Refused, with
    /// what to write instead.
    fn field_only_error(&self) -> Option<Expr> {
        let (_, span) = self
            .fields
            .iter()
            .filter(|(id, _)| !self.whole.contains(id))
            .min_by_key(|(id, _)| **id)?;
        let msg = "this `move` closure (or `async move` block) uses a local only through its \
                   fields, so rustc would move just those fields into it; longhand keeps this \
                   local pinned (it is borrowed across an `.await`) and can only move all of \
                   it: bind the field to its own local first (`let a = s.a;`) and use that";
        Some(parse_quote_spanned!(*span=> ::core::compile_error!(#msg)))
    }
}

impl Rewrite<'_> {
    /// The place of pinned binding `id` in `slot`, for a use that does not
    /// move it.
    fn reach(&self, id: usize, slot: usize, span: proc_macro2::Span) -> Expr {
        if self.nested > 0 {
            // A closure captures the place behind the scope's reference.
            let pin = pin_ident(id);
            return parse_quote!((*#pin).value);
        }
        place(slot, span)
    }

    /// A `move` closure or `async move` block takes the pinned locals it
    /// names when it is created, as rustc's capture does, not when it runs:
    /// `{ let mut __lh_captured7 = <the local, moved>; move || .. }`.
    fn capture_before(&mut self, e: &mut Expr, captured: Vec<(usize, usize)>) {
        if captured.is_empty() {
            return;
        }
        let mut lets: Vec<Stmt> = Vec::new();
        for (id, slot) in captured {
            let name = captured_ident(id);
            // Taken in the enclosing context: from the enclosing `move`
            // closure's own capture, or from the slot. Inside a closure
            // that borrows, it is copied from that closure's borrow (`|id|
            // async move { id + base }`: rustc's closure borrows `base`,
            // each block it makes holds a copy).
            let value = self
                .captured(id, slot, proc_macro2::Span::call_site())
                .unwrap_or_else(|| {
                    if self.borrowing > 0 {
                        self.reach(id, slot, proc_macro2::Span::call_site())
                    } else {
                        take(slot)
                    }
                });
            lets.push(parse_quote!(let mut #name = #value;));
        }
        let closure = std::mem::replace(e, parse_quote!(()));
        *e = parse_quote!({ #(#lets)* #closure });
    }

    /// Inside a `move` closure, the hidden local through which it captures
    /// pinned binding `id`, recorded in the innermost closure's captures.
    /// `span` is the use's, which names the local through a field if
    /// `field_base` says so.
    fn captured(&mut self, id: usize, slot: usize, span: proc_macro2::Span) -> Option<Expr> {
        let via_field = std::mem::take(&mut self.field_base);
        let frame = self.captures.last_mut()?;
        if !frame.taken.contains(&(id, slot)) {
            frame.taken.push((id, slot));
        }
        if via_field {
            frame.fields.entry(id).or_insert(span);
        } else {
            frame.whole.insert(id);
        }
        let name = captured_ident(id);
        Some(parse_quote!(#name))
    }

    /// `reach` for the binding reference `tag` resolves to, if it is pinned.
    fn reach_tag(&self, tag: usize, span: proc_macro2::Span) -> Option<Expr> {
        if let Some(rest) = self.released_tag(tag, span) {
            return Some(rest);
        }
        let (id, _) = *self.refs.get(&tag)?;
        let slot = *self.slots.get(&id)?;
        Some(self.reach(id, slot, span))
    }

    /// The ordinary local of the binding reference `tag` resolves to, if
    /// that binding is released here (see `release`).
    fn released_tag(&self, tag: usize, span: proc_macro2::Span) -> Option<Expr> {
        let (id, _) = self.refs.get(&tag)?;
        if !self.released.contains(id) {
            return None;
        }
        let rest = crate::release::rest_ident(*id);
        Some(parse_quote_spanned!(span=> #rest))
    }

    /// A use of a pinned binding still in its slot: (binding, slot, how).
    fn pinned_ref(&self, e: &Expr) -> Option<(usize, usize, UseKind)> {
        let Expr::Path(p) = e else { return None };
        let tag = ref_tag(&p.attrs)?;
        let (id, kind) = *self.refs.get(&tag)?;
        if self.released.contains(&id) {
            return None;
        }
        let slot = *self.slots.get(&id)?;
        Some((id, slot, kind))
    }

    fn declaration(&mut self, stmt: &Stmt) -> Option<Vec<Stmt>> {
        let (ident_pat, ty, init) = plain_let(stmt)?;
        let id = tag_of(ident_pat)?;
        let slot = *self.slots.get(&id)?;
        let Some(init) = init else {
            // `let x;`, assigned later (`PinSlot::assign`): the guard drops it
            // at the end of its scope. There is no local to reach yet, and
            // the slot is empty: the reference is a placeholder (where the
            // future resumes with the local live, `resume` reaches it).
            return Some(scope_statements(id, slot, Some(parse_quote!(()))));
        };
        let init = &init.expr;
        if let Expr::Path(path) = &**init
            && let Some(param) = self
                .params
                .iter_mut()
                .find(|p| path.path.is_ident(&p.taken))
        {
            // Filled when the function was called: reach it.
            param.slot = Some(slot);
            return Some(scope_statements(id, slot, None));
        }
        let value = hidden("__lh_pinned_value");
        let annot = ty.map(|t| quote!(: #t));
        let mut out: Vec<Stmt> = Vec::new();
        let mut first: Stmt = parse_quote!(let #value #annot = (););
        if let Stmt::Local(local) = &mut first
            && let Some(i) = &mut local.init
        {
            *i.expr = (**init).clone();
        }
        out.push(first);
        let slot_ptr = slot_ident(slot);
        // SAFETY: the slot belongs to this pinned future and is not live yet.
        let init: Expr =
            parse_quote!(unsafe { ::longhand::__private::PinSlot::init(#slot_ptr, #value) });
        out.extend(scope_statements(id, slot, Some(init)));
        Some(out)
    }
}

/// `let x = ..;` or `let x: T = ..;` (or without a value): the name, the
/// type and the value.
fn plain_let(stmt: &Stmt) -> Option<(&syn::PatIdent, Option<&syn::Type>, Option<&syn::LocalInit>)> {
    let Stmt::Local(l) = stmt else { return None };
    let (p, ty) = match &l.pat {
        Pat::Ident(p) => (p, None),
        Pat::Type(t) => match &*t.pat {
            Pat::Ident(p) => (p, Some(&*t.ty)),
            _ => return None,
        },
        _ => return None,
    };
    Some((p, ty, l.init.as_ref()))
}

/// The binding a plain `let x = ..;` declares (pinned or not).
pub fn declared_binding(stmt: &Stmt) -> Option<usize> {
    plain_let(stmt).and_then(|(p, _, init)| init.and(tag_of(p)))
}

impl VisitMut for Rewrite<'_> {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let releases = crate::release::plan(
            b,
            &crate::release::Context {
                slots: self.slots,
                refs: self.refs,
                borrowers: self.borrowers,
                references: self.references,
                in_scope: &self.in_scope,
            },
        );
        let scope = self.in_scope.len();
        let mut stmts = Vec::new();
        for (k, mut s) in std::mem::take(&mut b.stmts).into_iter().enumerate() {
            for &(id, _) in releases.iter().filter(|(_, at)| *at == k) {
                let rest = crate::release::rest_ident(id);
                let value = take(self.slots[&id]);
                stmts.push(parse_quote!(#rest = #value;));
                self.released.insert(id);
            }
            self.visit_stmt_mut(&mut s);
            if let Stmt::Local(l) = &s {
                self.in_scope
                    .extend(crate::bindings::bindings_of(&l.pat).iter().map(|b| b.id));
            }
            match self.declaration(&s) {
                Some(mut new) => {
                    if let Some(id) =
                        declared_binding(&s).filter(|id| releases.iter().any(|(r, _)| r == id))
                    {
                        let rest = crate::release::rest_ident(id);
                        new.push(parse_quote!(let mut #rest;));
                    }
                    stmts.append(&mut new)
                }
                None => stmts.push(s),
            }
        }
        for (id, _) in &releases {
            self.released.remove(id);
        }
        self.in_scope.truncate(scope);
        b.stmts = stmts;
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // A released binding: its ordinary local, whatever the use.
        if let Expr::Path(p) = e
            && let Some(rest) = ref_tag(&p.attrs).and_then(|t| self.released_tag(t, p.path.span()))
        {
            *e = rest;
            return;
        }
        // `(x, pinned) = ..`: each place assigned on its own (`destructure`),
        // so that the pinned one goes through `PinSlot::assign`.
        if let Expr::Assign(a) = e
            && crate::destructure::is_destructuring(&a.left)
            && crate::destructure::places(&a.left)
                .iter()
                .any(|p| self.pinned_ref(p).is_some())
            && let Some(split) = crate::destructure::split(a, &mut self.next_part)
        {
            *e = split;
            return self.visit_expr_mut(e);
        }
        // Inside a closure the local was initialized when captured (rustc
        // requires it), so it is assigned in place like any place: through
        // the scope's reference, or the `move` closure's own copy. (The
        // slot's pointer is a local of this poll, which a closure stored in
        // the state must not borrow.)
        if let Expr::Assign(a) = e
            && self.nested > 0
            && let Some((id, slot, _)) = self.pinned_ref(&a.left)
        {
            self.visit_expr_mut(&mut a.right);
            let span = a.left.span();
            *a.left = self
                .captured(id, slot, span)
                .unwrap_or_else(|| self.reach(id, slot, span));
            return;
        }
        if let Expr::Assign(a) = e
            && let Some((_, slot, _)) = self.pinned_ref(&a.left)
        {
            self.visit_expr_mut(&mut a.right);
            let slot_ptr = slot_ident(slot);
            let right = (*a.right).clone();
            // SAFETY (in the templates): the slot belongs to this future.
            let template = if crate::awaits::contains_await(&right) {
                // The handle would be a temporary held across the
                // suspension: the value is evaluated first instead (no
                // expected type reaches it).
                let value = hidden("__lh_assigned");
                quote!(match __lh_hole0 {
                    #value => unsafe { ::longhand::__private::PinSlot::set(#slot_ptr, #value) },
                })
            } else {
                // The value is an argument whose type is known, coerced
                // as in a native assignment (`cb = Some(Box::new(f))`).
                quote!(unsafe { ::longhand::__private::PinSlot::assign(#slot_ptr) }.put(__lh_hole0))
            };
            *e = crate::splice::expr(template, vec![right]);
            return;
        }
        if let Some((id, slot, kind)) = self.pinned_ref(e) {
            let span = match &*e {
                Expr::Path(p) => p.path.span(),
                _ => e.span(),
            };
            if let Some(captured) = self.captured(id, slot, span) {
                // Inside a `move` closure: the copy it captured.
                *e = captured;
                return;
            }
            *e = match kind {
                UseKind::Move => take(slot),
                _ => self.reach(id, slot, span),
            };
            return;
        }
        let moving = match e {
            Expr::Closure(c) => c.capture.is_some(),
            Expr::Async(a) => a.capture.is_some(),
            _ => false,
        };
        if moving {
            self.captures.push(Capture::default());
            visit_mut::visit_expr_mut(self, e);
            let captured = self.captures.pop().unwrap_or_default();
            let error = captured.field_only_error();
            self.capture_before(e, captured.taken);
            if let Some(error) = error {
                // Reported where the field is named; the code stays whole,
                // so that no other error follows from this one.
                let code = std::mem::replace(e, parse_quote!(()));
                *e = parse_quote!({ #error; #code });
            }
            return;
        }
        if let Expr::Field(f) = e
            && !self.captures.is_empty()
            && self.pinned_ref(&f.base).is_some()
        {
            self.field_base = true;
            self.visit_expr_mut(&mut f.base);
            self.field_base = false;
            return;
        }
        visit_mut::visit_expr_mut(self, e);
        crate::macro_aliases::give_back(e, |name, k| self.reach_tag(k, name.span()));
    }

    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        crate::macro_aliases::give_back_stmt(s, |name, k| self.reach_tag(k, name.span()));
        visit_mut::visit_stmt_mut(self, s);
    }

    // Both `Expr::Macro` and statement macros (`println!(..);`) come here.
    // (A format string's captures are named arguments by now, see
    // `normalize`: rewritten like any other use.)
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        crate::macro_args::edit(mac, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }

    fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
        let borrowing = c.capture.is_none() as usize;
        self.nested += 1;
        self.borrowing += borrowing;
        visit_mut::visit_expr_closure_mut(self, c);
        self.nested -= 1;
        self.borrowing -= borrowing;
    }

    fn visit_expr_async_mut(&mut self, a: &mut syn::ExprAsync) {
        let borrowing = a.capture.is_none() as usize;
        self.nested += 1;
        self.borrowing += borrowing;
        visit_mut::visit_expr_async_mut(self, a);
        self.nested -= 1;
        self.borrowing -= borrowing;
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
