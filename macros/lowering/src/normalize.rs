//! Normalisation: rewrite the body, without changing what it does, into a
//! shape the state machine can be cut from.
//!
//! 1. `self` becomes a hygienic local `__lh_self` (a closure cannot rebind `self`).
//!    A format string's implicit captures are written out as named arguments
//!    (`println!("{x}")` as `println!("{x}", x = x)`), and a struct
//!    literal's shorthand fields as `ids: ids`, so that they are uses. A
//!    local a statement macro may declare is bound again where longhand
//!    sees it (`macro_locals`).
//! 2. A `for` loop that suspends is desugared the way rustc desugars it
//!    (`match IntoIterator::into_iter(e) { mut iter => loop { match
//!    Iterator::next(&mut iter) { None => break, Some(p) => body } } }`), so
//!    that its iterator is an ordinary local that can be stored.
//! 3. Operands that rustc evaluates *before* an `.await` of the same
//!    expression are hoisted into `match` temporaries: `f(a(), b().await)`
//!    becomes `match a() { tmp => f(tmp, b().await) }`. The temporary is a
//!    binding like any other, stored across the await and dropped at the end
//!    of the `match`, i.e. of the statement, as rustc drops temporaries. Plain
//!    places (`x`, `self.items`, `&mut buf`) stay where they are: reading them
//!    later is unobservable, and hoisting them would turn an autoref or
//!    reborrow into a borrow held across the suspension. The operand of an
//!    `.await` is made await-free the same way. An operand that suspends on
//!    some paths only is hoisted too when a closure or `async` block follows
//!    it, so that a join point (step 5) can stand before the rest.
//! 4. Every binding gets an id tag; every `.await` gets its number.
//! 5. Where a closure or `async` block would be written out once per path
//!    reaching it, a join point is inserted and the points are numbered
//!    again (see `joins`).

use crate::awaits::contains_await;
use crate::bindings::tag_pattern;
use proc_macro2::{Group, TokenStream, TokenTree};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Stmt, parse_quote};

/// Runs every normalisation step over the body (whose first statements
/// already bind the parameters). Returns the number of suspension points.
pub fn normalize(block: &mut syn::Block) -> usize {
    RenameSelf.visit_block_mut(block);
    ExplicitFieldInits.visit_block_mut(block);
    crate::async_blocks::inline(block);
    // (After inlining: an awaited `async` block's `pin!` is the body's own.)
    crate::pin_macros::write_out(block);
    ExplicitCaptures.visit_block_mut(block);
    crate::macro_locals::rebind(block);
    MacroStmts.visit_block_mut(block);
    DesugarFor { next: 0 }.visit_block_mut(block);
    NameBorrowedTemporaries { next: 0 }.visit_block_mut(block);
    Hoist {
        next: 0,
        mutable: Default::default(),
    }
    .visit_block_mut(block);
    crate::returning_macros::wrap(block);
    TagBindings { next: 0, nested: 0 }.visit_block_mut(block);
    let count = crate::awaits::number(block);
    if crate::joins::insert(block) {
        crate::awaits::number(block)
    } else {
        count
    }
}

/// Renames the bindings in `ids` (and every reference resolved to them, by
/// reference tag) to unique hidden names, so that a value that is shadowed
/// while still alive can still be named where it must be stored.
pub fn rename_shadowed(
    block: &mut syn::Block,
    renames: &std::collections::HashMap<usize, usize>,
    refs: &std::collections::HashMap<usize, usize>,
) {
    struct Rename<'a> {
        bindings: &'a std::collections::HashMap<usize, usize>,
        refs: &'a std::collections::HashMap<usize, usize>,
    }
    fn new_name(ident: &proc_macro2::Ident, id: usize) -> proc_macro2::Ident {
        crate::names::hidden_at(
            &format!(
                "__{}_{id}",
                ident
                    .to_string()
                    .trim_start_matches("r#")
                    .trim_start_matches('_')
            ),
            ident.span(),
        )
    }
    impl VisitMut for Rename<'_> {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            if let Some(id) = crate::bindings::tag_of(p)
                && self.bindings.contains_key(&id)
            {
                p.ident = new_name(&p.ident, id);
            }
            visit_mut::visit_pat_ident_mut(self, p);
        }
        fn visit_expr_path_mut(&mut self, e: &mut syn::ExprPath) {
            if let Some(k) = crate::bindings::ref_tag(&e.attrs)
                && let Some(id) = self.refs.get(&k)
                && self.bindings.contains_key(id)
            {
                let seg = &mut e.path.segments[0];
                seg.ident = new_name(&seg.ident, *id);
            }
        }
        fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
            visit_mut::visit_expr_closure_mut(self, c);
        }
        // A macro's expression arguments name the local like any other code
        // (`assert!(st == 7)` before `let st = x.await`).
        fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
            crate::macro_args::edit(m, |args| {
                args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
            });
        }
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            visit_mut::visit_expr_mut(self, e);
            crate::macro_aliases::give_back(e, |name, k| self.renamed(name, k));
        }
        fn visit_stmt_mut(&mut self, s: &mut Stmt) {
            crate::macro_aliases::give_back_stmt(s, |name, k| self.renamed(name, k));
            visit_mut::visit_stmt_mut(self, s);
        }
    }
    impl Rename<'_> {
        /// The new name of the binding a macro's use `k` of `name`
        /// resolved to, if it is renamed: a reference tagged `k`, so that
        /// later passes see it as that use.
        fn renamed(&self, name: &proc_macro2::Ident, k: usize) -> Option<Expr> {
            let id = self.refs.get(&k)?;
            self.bindings.contains_key(id).then(|| {
                let new = new_name(name, *id);
                let mut path: syn::ExprPath = parse_quote!(#new);
                crate::bindings::tag_ref(&mut path.attrs, k);
                Expr::Path(path)
            })
        }
    }
    Rename {
        bindings: renames,
        refs,
    }
    .visit_block_mut(block);
}

/// The hygienic name `self` is rebound to inside the poll closure.
pub fn self_ident(span: proc_macro2::Span) -> proc_macro2::Ident {
    crate::names::hidden_at("__lh_self", span)
}

/// Rewrites `self` into the hidden local `__lh_self` throughout `block`.
pub fn rename_self(block: &mut syn::Block) {
    RenameSelf.visit_block_mut(block);
}

struct RenameSelf;

fn rename_self_tokens(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in trees.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "self" => {
                let path_follows =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if path_follows {
                    out.push(tt.clone());
                } else {
                    out.push(TokenTree::Ident(self_ident(id.span())));
                }
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), rename_self_tokens(g.stream()));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            other => out.push(other.clone()),
        }
    }
    out.into_iter().collect()
}

impl VisitMut for RenameSelf {
    fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
        if p.qself.is_none() && p.path.segments.len() == 1 && p.path.segments[0].ident == "self" {
            let span = p.path.segments[0].ident.span();
            p.path.segments[0].ident = self_ident(span);
        }
    }
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        m.tokens = rename_self_tokens(std::mem::take(&mut m.tokens));
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `Summary { ids, total }` becomes `Summary { ids: ids, total: total }`,
/// in expressions and patterns: the value is a use of the local like any
/// other, the binding a binding, which later steps may rewrite (a pinned
/// local's place, a renamed local's hidden name).
struct ExplicitFieldInits;

impl ExplicitFieldInits {
    /// A named field written without its colon gets one, which prints the
    /// name before the value.
    fn write_out(colon: &mut Option<syn::Token![:]>, member: &syn::Member) {
        if colon.is_none() && matches!(member, syn::Member::Named(_)) {
            *colon = Some(Default::default());
        }
    }
}

impl VisitMut for ExplicitFieldInits {
    fn visit_field_value_mut(&mut self, f: &mut syn::FieldValue) {
        Self::write_out(&mut f.colon_token, &f.member);
        visit_mut::visit_field_value_mut(self, f);
    }
    // A pattern's too (`let Pair { a, b } = pair;`), whose bindings may be
    // renamed.
    fn visit_field_pat_mut(&mut self, f: &mut syn::FieldPat) {
        Self::write_out(&mut f.colon_token, &f.member);
        visit_mut::visit_field_pat_mut(self, f);
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `println!("{x}")` becomes `println!("{x}", x = x)`, closures and nested
/// macros included: the capture is then a use like any other.
struct ExplicitCaptures;

impl VisitMut for ExplicitCaptures {
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        let Some(mut args) = crate::macro_args::parse(m) else {
            return;
        };
        crate::macro_args::make_captures_explicit(m, &mut args);
        args.args.iter_mut().for_each(|a| self.visit_expr_mut(a));
        crate::macro_args::set(m, &args);
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `println!(..);` as a statement becomes an expression statement, so its
/// arguments can be treated as operands.
struct MacroStmts;

impl VisitMut for MacroStmts {
    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s {
            let expr = Expr::Macro(syn::ExprMacro {
                attrs: std::mem::take(&mut m.attrs),
                mac: m.mac.clone(),
            });
            *s = Stmt::Expr(expr, m.semi_token);
        }
        visit_mut::visit_stmt_mut(self, s);
    }
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e
            && crate::macro_args::edit(&mut m.mac, |args| {
                args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
            })
        {
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

struct DesugarFor {
    next: usize,
}

impl VisitMut for DesugarFor {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::ForLoop(f) = e
            && crate::awaits::block_contains_await(&f.body)
        {
            // Each loop's iterator gets its own name: nested loops keep both.
            let iter = crate::names::numbered("__iter", &mut self.next);
            let pat = &f.pat;
            let head = &f.expr;
            let body = &f.body;
            let label = &f.label;
            let attrs = &f.attrs;
            // The loop is the user's `for`, for messages and docs.
            let loop_token = syn::Token![loop](f.for_token.span);
            *e = parse_quote! {
                #(#attrs)*
                match ::core::iter::IntoIterator::into_iter(#head) {
                    mut #iter => #label #loop_token {
                        match ::core::iter::Iterator::next(&mut #iter) {
                            ::core::option::Option::None => break,
                            ::core::option::Option::Some(#pat) => #body,
                        }
                    }
                }
            };
        }
        visit_mut::visit_expr_mut(self, e);
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Gives a name to a temporary that is borrowed across a suspension point,
/// so that it can be kept (or pinned) like any local:
///
/// - `let r = &make();` (rustc extends the temporary to the end of the
///   block) becomes `let tmp = make(); let r = &tmp;`, and `let (ref r, n)
///   = make();` the same;
/// - `match &make() { .. }` whose arms suspend (the temporary lives to the
///   end of the `match`) becomes `{ let tmp = make(); match &tmp { .. } }`,
///   and `if let` the same.
struct NameBorrowedTemporaries {
    next: usize,
}

impl NameBorrowedTemporaries {
    fn temp(&mut self) -> proc_macro2::Ident {
        crate::names::numbered("__temporary", &mut self.next)
    }

    /// The temporaries a `match` scrutinee creates and only borrows (the
    /// receiver of `make().len()`, at any depth of a method chain, the base
    /// of `make().items.len()` or `make()[0]`), which rustc keeps to the end
    /// of the `match`: named, in evaluation order.
    fn take_receivers(&mut self, e: &mut Expr, out: &mut Vec<(proc_macro2::Ident, Expr)>) {
        self.take_temporaries(e, false, out);
    }

    /// `take_receivers` inside an expression that is `borrowed` as a place.
    /// A field of a temporary is named through its base only then: a
    /// pattern may move the field out, and a partly moved value cannot be
    /// kept (such a temporary is still dropped at the first suspension).
    fn take_temporaries(
        &mut self,
        e: &mut Expr,
        borrowed: bool,
        out: &mut Vec<(proc_macro2::Ident, Expr)>,
    ) {
        match e {
            Expr::MethodCall(m) => {
                let consumed = crate::analysis::method_consumes_receiver(m);
                self.take_temporaries(&mut m.receiver, !consumed, out);
                if !consumed {
                    self.name_unless_place(&mut m.receiver, out);
                }
            }
            Expr::Reference(r) => {
                self.take_temporaries(&mut r.expr, true, out);
                self.name_unless_place(&mut r.expr, out);
            }
            // Through a guard (`c.borrow().n`, `m.lock().unwrap().len`) a
            // field cannot be moved out either: the pattern copies it.
            Expr::Field(f) if borrowed || returns_guard(&f.base) => {
                self.take_temporaries(&mut f.base, true, out);
                self.name_unless_place(&mut f.base, out);
            }
            // `Index::index` borrows its base whatever the pattern does.
            Expr::Index(i) => {
                self.take_temporaries(&mut i.expr, true, out);
                self.name_unless_place(&mut i.expr, out);
            }
            Expr::Paren(p) => self.take_temporaries(&mut p.expr, borrowed, out),
            // `lookup(&D::new("t"), k)`: what an argument borrows, as long as
            // nothing evaluated before it has an effect (naming it moves its
            // evaluation before the call's own).
            Expr::Call(c) if inert(&c.func) && !is_into_iter(&c.func) => {
                for arg in c.args.iter_mut() {
                    if matches!(arg, Expr::Reference(_)) {
                        self.take_temporaries(arg, false, out);
                    }
                    if !inert(arg) {
                        break;
                    }
                }
            }
            // A suspending `for` loop's head (see `DesugarFor`): its
            // temporaries live for the whole loop (`for x in make().iter()`).
            Expr::Call(c) if is_into_iter(&c.func) && c.args.len() == 1 => {
                if let Some(head) = c.args.first_mut() {
                    self.take_temporaries(head, false, out);
                }
            }
            _ => {}
        }
    }

    /// The temporaries of an `if let` or `while let` scrutinee whose body
    /// suspends: those `take_receivers` names, and the value itself if the
    /// pattern leaves it in place (`Some(ref d)`, `Some(_)`).
    fn take_let_temporaries(
        &mut self,
        l: &mut syn::ExprLet,
        out: &mut Vec<(proc_macro2::Ident, Expr)>,
    ) {
        self.take_receivers(&mut l.expr, out);
        if crate::bindings::leaves_value_in_place(&l.pat) {
            self.name_unless_place(&mut l.expr, out);
        }
    }

    /// Replaces `e` by a named temporary holding its value, unless it is a
    /// place already.
    fn name_unless_place(&mut self, e: &mut Expr, out: &mut Vec<(proc_macro2::Ident, Expr)>) {
        if place_expression(e) {
            return;
        }
        let tmp = self.temp();
        let value = take_into(&tmp, e, false);
        out.push((tmp, value));
    }

    /// The temporaries a `let` initializer borrows and rustc extends to the
    /// end of the block: `&E` with `E` a temporary, also as an element of a
    /// tuple, array or struct literal (`(&make(), 1)`, `S { r: &make() }`).
    /// Each is taken out into `out`, leaving `&tmp` (`&make().field` leaves
    /// `&tmp.field`; a place of a local, and a constant rustc promotes to a
    /// `'static`, are not temporaries).
    /// Where the temporary is made only on some paths or among values that
    /// must be evaluated around it (an `if`, a `match`, a block's tail, a
    /// composite with other parts), it is declared before the `let` in
    /// `deferred` and assigned where it was made (see `extend_in_place`).
    fn take_extended(
        &mut self,
        e: &mut Expr,
        out: &mut Vec<(proc_macro2::Ident, Expr)>,
        deferred: &mut Vec<proc_macro2::Ident>,
    ) {
        match e {
            Expr::Reference(r) if borrows_new_value(r) => {
                let tmp = self.temp();
                let value = take_into(&tmp, borrowed_temporary(&mut r.expr), false);
                out.push((tmp, value));
            }
            Expr::Paren(p) => self.take_extended(&mut p.expr, out, deferred),
            Expr::If(_) | Expr::Match(_) | Expr::Block(_) | Expr::Cast(_) => {
                self.extend_in_place(e, deferred)
            }
            _ => {
                let Some(mut parts) = extending_parts(e) else {
                    return;
                };
                // Named first, the temporaries must be all the composite
                // evaluates: its other parts are places or constants.
                let extended = |x: &Expr| matches!(x, Expr::Reference(r) if borrows_new_value(r));
                if parts.iter().all(|x| extended(x) || inert(x) || promoted(x)) {
                    for x in parts.iter_mut() {
                        self.take_extended(x, out, deferred);
                    }
                } else {
                    for x in parts {
                        self.extend_in_place(x, deferred);
                    }
                }
            }
        }
    }

    /// `take_extended` where the temporary is made on some paths only, or
    /// between other values: `&make()` becomes `{ tmp = make(); &tmp }`
    /// with `tmp` declared before the `let` (pushed on `deferred`), through
    /// what rustc's extension reaches: an `if`'s and a `match`'s branches,
    /// a block's tail, the parts of a tuple, array or struct literal and a
    /// cast's operand.
    fn extend_in_place(&mut self, e: &mut Expr, deferred: &mut Vec<proc_macro2::Ident>) {
        match e {
            Expr::Reference(r) if borrows_new_value(r) => {
                let tmp = self.temp();
                let value = take_into(&tmp, borrowed_temporary(&mut r.expr), false);
                let borrow = std::mem::replace(e, parse_quote!(()));
                *e = crate::splice::expr(
                    quote::quote!({ #tmp = __lh_hole0; __lh_hole1 }),
                    vec![value, borrow],
                );
                deferred.push(tmp);
            }
            Expr::Paren(p) => self.extend_in_place(&mut p.expr, deferred),
            Expr::Cast(c) => self.extend_in_place(&mut c.expr, deferred),
            Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
                self.extend_tail(&mut b.block, deferred)
            }
            Expr::If(i) => {
                self.extend_tail(&mut i.then_branch, deferred);
                if let Some((_, other)) = &mut i.else_branch {
                    self.extend_in_place(other, deferred);
                }
            }
            Expr::Match(m) => {
                for arm in &mut m.arms {
                    self.extend_in_place(&mut arm.body, deferred);
                }
            }
            _ => {
                if let Some(parts) = extending_parts(e) {
                    for x in parts {
                        self.extend_in_place(x, deferred);
                    }
                }
            }
        }
    }

    /// `extend_in_place` on a block's tail expression.
    fn extend_tail(&mut self, b: &mut syn::Block, deferred: &mut Vec<proc_macro2::Ident>) {
        if let Some(Stmt::Expr(tail, None)) = b.stmts.last_mut() {
            self.extend_in_place(tail, deferred);
        }
    }
}

/// The parts of a tuple, array or struct literal, which a `let` extends the
/// borrowed temporaries of (not a struct's `..base`).
fn extending_parts(e: &mut Expr) -> Option<Vec<&mut Expr>> {
    Some(match e {
        Expr::Tuple(t) => t.elems.iter_mut().collect(),
        Expr::Array(a) => a.elems.iter_mut().collect(),
        Expr::Struct(st) => st.fields.iter_mut().map(|f| &mut f.expr).collect(),
        _ => return None,
    })
}

/// Starts the `else` branch of `i` by dropping `temps`, latest first.
fn drop_before_else(i: &mut syn::ExprIf, temps: &[proc_macro2::Ident]) {
    let Some((_, other)) = &mut i.else_branch else {
        // Without `else` they are dropped right after the `if` anyway.
        return;
    };
    if temps.is_empty() {
        return;
    }
    let drops = temps.iter().rev();
    let branch = std::mem::replace(&mut **other, parse_quote!({}));
    **other = parse_quote!({
        #(::longhand::__private::end_temporary(#drops);)*
        #branch
    });
}

/// `let mut name = value;`: a temporary may be borrowed mutably
/// (`make().iter().next()`), as the value it names could be.
pub fn let_stmt(name: proc_macro2::Ident, value: Expr) -> Stmt {
    let mut s: Stmt = parse_quote!(let mut #name = (););
    if let Stmt::Local(l) = &mut s
        && let Some(init) = &mut l.init
    {
        *init.expr = value;
    }
    s
}

impl VisitMut for NameBorrowedTemporaries {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let mut stmts = Vec::new();
        let old = std::mem::take(&mut b.stmts);
        // Whether a statement from this one on awaits.
        let mut awaits_from: Vec<bool> = old
            .iter()
            .rev()
            .scan(false, |after, s| {
                *after |= crate::awaits::stmt_contains_await(s);
                Some(*after)
            })
            .collect();
        awaits_from.reverse();
        for (mut s, awaits) in old.into_iter().zip(awaits_from) {
            self.visit_stmt_mut(&mut s);
            if let Stmt::Local(l) = &mut s
                && let Some(init) = &mut l.init
                && init.diverge.is_none()
                && awaits
            {
                let mut named = Vec::new();
                let mut deferred = Vec::new();
                self.take_extended(&mut init.expr, &mut named, &mut deferred);
                stmts.extend(
                    deferred
                        .into_iter()
                        .map(|tmp| -> Stmt { parse_quote!(let mut #tmp;) }),
                );
                // `let (ref d, n) = make();`: a `ref` binding extends the
                // temporary it borrows to the end of the block too.
                if crate::bindings::has_ref_binding(&l.pat) {
                    self.name_unless_place(&mut init.expr, &mut named);
                }
                stmts.extend(named.into_iter().map(|(tmp, value)| let_stmt(tmp, value)));
            }
            stmts.push(s);
        }
        b.stmts = stmts;
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        let mut named = Vec::new();
        match e {
            Expr::Match(m) if m.arms.iter().any(|a| contains_await(&a.body)) => {
                self.take_receivers(&mut m.expr, &mut named);
                // `Some(ref d) => { x.await; d.touch() }`, `Some(_) => {
                // x.await; }`: the value stays in place across the suspension
                // (borrowed, or not moved), to the end of the `match`.
                if m.arms.iter().any(|a| {
                    contains_await(&a.body) && crate::bindings::leaves_value_in_place(&a.pat)
                }) {
                    self.name_unless_place(&mut m.expr, &mut named);
                }
            }
            Expr::If(i) => {
                if let Expr::Let(l) = &mut *i.cond
                    && crate::awaits::block_contains_await(&i.then_branch)
                {
                    self.take_let_temporaries(l, &mut named);
                    // rustc drops an `if let`'s temporaries before `else`.
                    let temps: Vec<_> = named.iter().map(|(t, _)| t.clone()).collect();
                    drop_before_else(i, &temps);
                }
            }
            // rustc's own lowering, `loop { match E { P => body, _ => break } }`,
            // with the temporaries named inside: they live to the end of each
            // iteration's body, across its awaits.
            Expr::While(w) => {
                if let Expr::Let(l) = &mut *w.cond
                    && crate::awaits::block_contains_await(&w.body)
                {
                    self.take_let_temporaries(l, &mut named);
                    if !named.is_empty() {
                        let lets = named.drain(..).map(|(t, v)| let_stmt(t, v));
                        let (label, pat, value, body) = (&w.label, &l.pat, &l.expr, &w.body);
                        *e = parse_quote!(#label loop {
                            #(#lets)*
                            match #value {
                                #pat => #body,
                                _ => break,
                            }
                        });
                    }
                }
            }
            _ => {}
        }
        if !named.is_empty() {
            let inner = std::mem::replace(e, parse_quote!(()));
            let mut stmts: Vec<Stmt> = named.into_iter().map(|(t, v)| let_stmt(t, v)).collect();
            stmts.push(Stmt::Expr(inner, None));
            *e = Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block: syn::Block {
                    brace_token: Default::default(),
                    stmts,
                },
            });
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Does `e` make a guard that derefs to what it guards (`RefCell::borrow`
/// and `borrow_mut`, a lock's `lock`, `read` and `write`, also unwrapped)?
/// Nothing can be moved out through one.
fn returns_guard(e: &Expr) -> bool {
    match e {
        Expr::MethodCall(m) => match m.method.to_string().as_str() {
            "borrow" | "borrow_mut" | "lock" | "read" | "write" => true,
            "unwrap" | "expect" => returns_guard(&m.receiver),
            _ => false,
        },
        Expr::Await(a) => returns_guard(&a.base),
        Expr::Paren(p) => returns_guard(&p.expr),
        _ => false,
    }
}

/// `::core::iter::IntoIterator::into_iter`, as `DesugarFor` writes it.
fn is_into_iter(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    crate::names::path_names(&p.path) == ["core", "iter", "IntoIterator", "into_iter"]
}

/// Is evaluating `e` later instead of now unobservable (a place, a path, a
/// literal, a closure)? Such operands stay where they are.
fn inert(e: &Expr) -> bool {
    match e {
        Expr::Path(_) | Expr::Lit(_) | Expr::Closure(_) => true,
        Expr::Reference(r) => place(&r.expr),
        Expr::Field(_) => place(e),
        Expr::Paren(p) => inert(&p.expr),
        Expr::Group(g) => inert(&g.expr),
        _ => false,
    }
}

/// Is `e` a place expression (which naming would move out of)? Unlike
/// `place`, an index or a dereference of a place counts.
fn place_expression(e: &Expr) -> bool {
    match e {
        Expr::Path(_) => true,
        Expr::Field(f) => place_expression(&f.base),
        Expr::Index(i) => place_expression(&i.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => true,
        Expr::Paren(p) => place_expression(&p.expr),
        Expr::Group(g) => place_expression(&g.expr),
        _ => false,
    }
}

fn place(e: &Expr) -> bool {
    match e {
        Expr::Path(_) => true,
        Expr::Field(f) => place(&f.base),
        Expr::Paren(p) => place(&p.expr),
        Expr::Group(g) => place(&g.expr),
        _ => false,
    }
}

struct Hoist {
    next: usize,
    /// The temporaries borrowed mutably (`&mut make()`), bound `mut`.
    mutable: std::collections::HashSet<String>,
}

impl Hoist {
    fn temp(&mut self) -> proc_macro2::Ident {
        crate::names::numbered("__tmp", &mut self.next)
    }

    /// Replaces the operands of `target` up to `upto` (the last one only if
    /// `include_last`) that are not inert by temporaries; returns them in order.
    fn take_operands(
        &mut self,
        target: &mut Expr,
        upto: usize,
        include_last: bool,
    ) -> Vec<(proc_macro2::Ident, Expr)> {
        // The operands of `&&` and `||` end their own temporaries: the left
        // one's are dropped before the right one runs (and awaits). It is
        // lifted whole, in a `let` of its own if it may make temporaries.
        if let Expr::Binary(b) = target
            && matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_))
        {
            let mut lifted = Vec::new();
            if upto > 0 && (!inert(&b.left) || contains_await(&b.left)) {
                let tmp = self.temp();
                let value = take_into(&tmp, &mut b.left, false);
                lifted.push((tmp, ending_temporaries(value)));
            }
            return lifted;
        }
        // A method's receiver that is a place (`queues[i].push(x.await)`)
        // is borrowed or moved where it is used: only its index is lifted.
        if let Expr::MethodCall(m) = target
            && upto > 0
        {
            let mut lifted = Vec::new();
            if place_expression(&m.receiver) {
                self.lift_place_operands(&mut m.receiver, &mut lifted);
            } else if !inert(&m.receiver) || contains_await(&m.receiver) {
                self.lift_receiver(&mut m.receiver, &mut lifted);
            }
            let args = m.args.iter_mut().collect();
            lifted.extend(self.lift_operands(args, upto - 1, include_last, false));
            return lifted;
        }
        // An index's base that is a place (`g[i][x.await]`, `rows[0][..n.await]`)
        // is indexed where it is used, by reference or by value (a `Copy`
        // element), which longhand cannot tell: only its own indices are
        // lifted. Named, a non-`Copy` element would be moved out of its
        // collection. A base that hoisting has already wrapped
        // (`pend(..).await[i.await][j.await]`) gives its temporaries to this
        // index, so that what it indexes is a place again.
        if let Expr::Index(ix) = target
            && upto > 0
        {
            let mut lifted = Vec::new();
            unwrap_hoisted(&mut ix.expr, &mut lifted);
            self.lift_operand(&mut ix.expr, true, &mut lifted);
            if include_last {
                self.lift_operand(&mut ix.index, false, &mut lifted);
            }
            return lifted;
        }
        // A comparison borrows its operands (`PartialEq::eq(&a, &b)`): a place
        // among them (`row[1] == x.await`) stays where it is.
        let borrowed = matches!(target, Expr::Binary(b) if is_comparison(&b.op));
        self.lift_operands(operands(target), upto, include_last, borrowed)
    }

    /// Lifts `ops[..upto]` (and `ops[upto]` if `include_last`), those that
    /// are not inert, in order: operands of an expression, or a method's
    /// arguments; places among them stay if they are `borrowed` (see
    /// `lift_operand`).
    fn lift_operands(
        &mut self,
        ops: Vec<&mut Expr>,
        upto: usize,
        include_last: bool,
        borrowed: bool,
    ) -> Vec<(proc_macro2::Ident, Expr)> {
        let mut lifted = Vec::new();
        for (i, op) in ops.into_iter().enumerate() {
            if i > upto || (i == upto && !include_last) {
                break;
            }
            self.lift_operand(op, borrowed, &mut lifted);
        }
        lifted
    }

    /// Lifts operand `op` (see `lift_value`), unless evaluating it later
    /// is unobservable. A place `borrowed` where it is used (a method's
    /// receiver, a formatting macro's argument) stays where it is; only its
    /// operands are lifted (see `lift_place_operands`).
    fn lift_operand(
        &mut self,
        op: &mut Expr,
        borrowed: bool,
        lifted: &mut Vec<(proc_macro2::Ident, Expr)>,
    ) {
        if borrowed && place_expression(op) {
            self.lift_place_operands(op, lifted);
        } else if !inert(op) || contains_await(op) {
            self.lift_value(op, lifted);
        }
    }

    /// Lifts `op` into a temporary. rustc keeps every temporary of a
    /// statement alive to its end, so the temporaries `op` creates and then
    /// only borrows (the receiver of `make().len()`, the operand of
    /// `&make()`) are lifted too, before it, rather than dropped at the
    /// suspension.
    /// An assignment's value lifted first, then the indices of its place
    /// that are not inert, in order (`g[i()][j.await].n`): rustc's order for
    /// `=` and primitive `+=`. The place stays a place, its indices
    /// temporaries, and its suspension is in a temporary's initializer.
    fn value_then_place(
        &mut self,
        value: &mut Expr,
        place: &mut Expr,
    ) -> Vec<(proc_macro2::Ident, Expr)> {
        let mut lifted = Vec::new();
        self.lift_value(value, &mut lifted);
        self.lift_place_indices(place, &mut lifted);
        lifted
    }

    /// Lifts the indices of place `e` that are not inert, outermost base
    /// first: [`Self::lift_place_operands`] short of a dereference's
    /// operand, which an assignment's place writes through (`*guard() =
    /// v`), unless it suspends.
    fn lift_place_indices(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        self.lift_place_parts(e, lifted, false);
    }

    /// Visits the place of an assignment that suspends: its indices and
    /// any base that is not a place are normalised, while the index and
    /// field expressions themselves stay places (hoisted, an index of an
    /// index would be a `match`, which cannot be assigned to).
    fn visit_place(&mut self, e: &mut Expr) {
        match e {
            Expr::Index(i) => {
                self.visit_place(&mut i.expr);
                self.visit_expr_mut(&mut i.index);
            }
            Expr::Field(f) => self.visit_place(&mut f.base),
            Expr::Paren(p) => self.visit_place(&mut p.expr),
            Expr::Group(g) => self.visit_place(&mut g.expr),
            _ => self.visit_expr_mut(e),
        }
    }

    fn lift_value(&mut self, op: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        if let Expr::Reference(r) = op {
            if borrows_new_value(r) {
                // `&make()`, `&make().body`: the temporary is the value,
                // borrowed in place.
                self.lift_value(borrowed_temporary(&mut r.expr), lifted);
                self.borrowed(r, lifted);
                return;
            }
            if place(&r.expr) {
                return;
            }
            // `&v[i]`, `&*r`: the reference is taken now (indexing may
            // panic), and held across the suspension like any borrow.
        }
        self.lift_inside(op, lifted);
        let tmp = self.temp();
        // A block's value is moved out of it: `{ resp }.text()` says that
        // `text` consumes its receiver, where longhand cannot see types. The
        // temporary keeps the braces, so it is moved too, never borrowed.
        let moved = matches!(op, Expr::Block(b) if b.label.is_none() && b.attrs.is_empty());
        let value = take_into(&tmp, op, moved);
        lifted.push((tmp, value));
    }

    /// Lifts, in evaluation order, the values an operand computes on its way
    /// (arguments, operands, borrowed receivers), as rustc materialises them
    /// in temporaries that live to the end of the statement: a temporary
    /// receiver (`D::new("tmp").touch()`) then survives a later suspension
    /// of the same statement, and evaluation order is kept. Conditional
    /// parts (`&&`, `||`, blocks, branches, closures) are left alone.
    fn lift_inside(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        let mut lift = |this: &mut Self, x: &mut Expr| {
            if !inert(x) {
                this.lift_value(x, lifted);
            }
        };
        match e {
            Expr::MethodCall(m) => {
                if place_expression(&m.receiver) {
                    self.lift_place_operands(&mut m.receiver, lifted);
                } else if crate::analysis::method_consumes_receiver(m) {
                    self.lift_inside(&mut m.receiver, lifted);
                } else {
                    self.lift_receiver(&mut m.receiver, lifted);
                }
                let mut lift = |this: &mut Self, x: &mut Expr| {
                    if !inert(x) {
                        this.lift_value(x, lifted);
                    }
                };
                for a in m.args.iter_mut() {
                    lift(self, a);
                }
            }
            Expr::Call(c) => {
                for a in c.args.iter_mut() {
                    lift(self, a);
                }
            }
            Expr::Binary(b)
                if !is_assign_op(&b.op)
                    && !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) =>
            {
                lift(self, &mut b.left);
                lift(self, &mut b.right);
            }
            Expr::Tuple(t) => t.elems.iter_mut().for_each(|x| lift(self, x)),
            Expr::Array(a) => a.elems.iter_mut().for_each(|x| lift(self, x)),
            Expr::Cast(c) => self.lift_inside(&mut c.expr, lifted),
            Expr::Paren(p) => self.lift_inside(&mut p.expr, lifted),
            Expr::Unary(u) if !matches!(u.op, syn::UnOp::Deref(_)) => {
                self.lift_inside(&mut u.expr, lifted)
            }
            Expr::Field(f) if place_expression(&f.base) => {
                self.lift_place_operands(&mut f.base, lifted)
            }
            Expr::Field(f) => self.lift_value(&mut f.base, lifted),
            Expr::Index(i) if place_expression(&i.expr) => {
                self.lift_place_operands(&mut i.expr, lifted)
            }
            Expr::Index(i) => self.lift_value(&mut i.expr, lifted),
            Expr::Try(t) => self.lift_inside(&mut t.expr, lifted),
            // An await already wrapped in the temporaries its awaitee
            // borrows: they join this statement's, so that they too live to
            // its end.
            Expr::Match(m) if hoisted(m) => {
                unwrap_hoisted(e, lifted);
                self.lift_inside(e, lifted);
            }
            _ => {}
        }
    }

    /// Lifts a method's receiver that is not a place (see `lift_value`)
    /// into a mutable temporary: the method may borrow it mutably, a
    /// guard's target through `DerefMut` (`c.borrow_mut().push(x.await)`).
    fn lift_receiver(&mut self, receiver: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        let before = lifted.len();
        self.lift_value(receiver, lifted);
        if lifted.len() > before
            && let Some((tmp, _)) = lifted.last()
        {
            self.mutable.insert(tmp.to_string());
        }
    }

    /// Marks the temporary just lifted from `&mut make()` as mutable.
    fn borrowed(&mut self, r: &syn::ExprReference, lifted: &[(proc_macro2::Ident, Expr)]) {
        if r.mutability.is_some()
            && let Some((tmp, _)) = lifted.last()
        {
            self.mutable.insert(tmp.to_string());
        }
    }

    /// Lifts the operands of place `e` (`v[i()]`'s index, `*make()`'s
    /// value), leaving the place itself where it is used: by reference or
    /// by value (a `Copy` element), which longhand cannot tell, and an
    /// unsized one (`v[a..b]`) cannot be named at all.
    fn lift_place_operands(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        self.lift_place_parts(e, lifted, true);
    }

    /// The walk of [`Self::lift_place_operands`] and
    /// [`Self::lift_place_indices`]: a dereference's operand is lifted
    /// `through_deref`, or else only if it suspends.
    fn lift_place_parts(
        &mut self,
        e: &mut Expr,
        lifted: &mut Vec<(proc_macro2::Ident, Expr)>,
        through_deref: bool,
    ) {
        match e {
            Expr::Index(i) => {
                self.lift_place_parts(&mut i.expr, lifted, through_deref);
                if !inert(&i.index) {
                    self.lift_value(&mut i.index, lifted);
                }
            }
            Expr::Field(f) => self.lift_place_parts(&mut f.base, lifted, through_deref),
            Expr::Paren(p) => self.lift_place_parts(&mut p.expr, lifted, through_deref),
            Expr::Group(g) => self.lift_place_parts(&mut g.expr, lifted, through_deref),
            Expr::Unary(u) if through_deref && !inert(&u.expr) => {
                self.lift_value(&mut u.expr, lifted)
            }
            // An assignment through what an await gives (`*lock.write().await
            // = v`): the guard is lifted, into a `mut` temporary for
            // `DerefMut`, after the value. Left in the place, its suspension
            // would follow the value's use there (`=` evaluates the value
            // first), and the arm that suspends would move the value before
            // storing it.
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) && contains_await(&u.expr) => {
                self.lift_suspending_base(&mut u.expr, lifted)
            }
            _ => {}
        }
    }

    /// Lifts, into a `mut` temporary, the value that suspends at the base of
    /// place `e` (`cell.lock().await` in `cell.lock().await.0`): the fields
    /// and indices above it stay projections of that temporary (a field
    /// moved out of it could be part of a value with a destructor).
    fn lift_suspending_base(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        match e {
            Expr::Field(f) => self.lift_suspending_base(&mut f.base, lifted),
            Expr::Paren(p) => self.lift_suspending_base(&mut p.expr, lifted),
            Expr::Group(g) => self.lift_suspending_base(&mut g.expr, lifted),
            Expr::Index(i) if contains_await(&i.expr) => {
                self.lift_suspending_base(&mut i.expr, lifted);
                if !inert(&i.index) {
                    self.lift_value(&mut i.index, lifted);
                }
            }
            _ if contains_await(e) => self.lift_receiver(e, lifted),
            _ => {}
        }
    }

    /// Lifts the temporaries that an awaitee borrows (`read(&mut [0; 8])`,
    /// `get(&format!(..))`, `send(&make().body)`): the future it makes may
    /// hold the borrow, and rustc keeps them to the end of the statement,
    /// across the await. The operands evaluated before one of them are
    /// lifted too, whole, to keep the order; a method's receiver among them
    /// is moved (`{ tmp }.json(&body)`), as longhand cannot tell whether the
    /// method takes `self` or `&self`.
    fn lift_borrowed(&mut self, e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
        match e {
            Expr::Reference(r) if borrows_new_value(r) => {
                let tmp = self.temp();
                let base = borrowed_temporary(&mut r.expr);
                // Its own borrowed temporaries first (`&lock().clone()`:
                // the guard lives to the end of the statement too).
                self.lift_borrowed(base, lifted);
                lifted.push((tmp.clone(), take_into(&tmp, base, false)));
                self.borrowed(r, lifted);
            }
            // `pend(1, m.lock().unwrap().len())`: the guard is a temporary
            // of the statement too, alive across the await.
            Expr::MethodCall(m) if borrows_receiver_temporary(m) => {
                let tmp = self.temp();
                let base = borrowed_temporary(&mut m.receiver);
                // Its own operands' borrowed temporaries come first.
                self.lift_borrowed(base, lifted);
                lifted.push((tmp.clone(), take_into(&tmp, base, false)));
                if takes_receiver_mutably(&m.method.to_string()) {
                    self.mutable.insert(tmp.to_string());
                }
                for arg in m.args.iter_mut() {
                    self.lift_borrowed(arg, lifted);
                }
            }
            // A `match`'s scrutinee is not a temporary scope: what it
            // borrows lives to the end of the statement, across the await
            // (`pend(match len(&D::new("t")) { .. }).await`).
            Expr::Match(m) if !hoisted(m) => self.lift_borrowed(&mut m.expr, lifted),
            Expr::Paren(p) => self.lift_borrowed(&mut p.expr, lifted),
            Expr::Group(g) => self.lift_borrowed(&mut g.expr, lifted),
            Expr::Cast(c) => self.lift_borrowed(&mut c.expr, lifted),
            Expr::Field(f) => self.lift_borrowed(&mut f.base, lifted),
            Expr::Try(t) => self.lift_borrowed(&mut t.expr, lifted),
            Expr::Unary(u) => self.lift_borrowed(&mut u.expr, lifted),
            _ if builds_value(e) => {
                let receiver = matches!(e, Expr::MethodCall(_));
                let mut ops = operands(e);
                let Some(last) = ops.iter_mut().rposition(|op| borrows_temporary(op)) else {
                    return;
                };
                for (i, op) in ops.iter_mut().enumerate().take(last) {
                    // Its own borrowed temporaries first, then its value.
                    self.lift_borrowed(op, lifted);
                    if inert(op) {
                        continue;
                    }
                    let tmp = self.temp();
                    let value = take_into(&tmp, op, receiver && i == 0);
                    lifted.push((tmp, value));
                }
                self.lift_borrowed(ops[last], lifted);
            }
            _ => {}
        }
    }

    /// Wraps `e` in `match value { tmp => e }` for each lifted operand, the
    /// first one outermost so that they are evaluated in order.
    fn wrap(&self, e: &mut Expr, lifted: Vec<(proc_macro2::Ident, Expr)>) {
        for (tmp, value) in lifted.into_iter().rev() {
            let mutability = self
                .mutable
                .contains(&tmp.to_string())
                .then(Default::default);
            let inner = std::mem::replace(e, parse_quote!(()));
            *e = Expr::Match(syn::ExprMatch {
                attrs: Vec::new(),
                match_token: Default::default(),
                expr: Box::new(value),
                brace_token: Default::default(),
                arms: vec![syn::Arm {
                    attrs: Vec::new(),
                    pat: syn::Pat::Ident(syn::PatIdent {
                        attrs: Vec::new(),
                        by_ref: None,
                        mutability,
                        ident: tmp,
                        subpat: None,
                    }),
                    guard: None,
                    fat_arrow_token: Default::default(),
                    body: Box::new(inner),
                    comma: None,
                }],
            });
        }
    }
}

/// `e`, its temporaries ended where it is evaluated: `{ let v = e; v }`
/// (a `let` ends its statement's temporaries, in every edition), unless it
/// makes none (places, literals and operators on them).
fn ending_temporaries(e: Expr) -> Expr {
    fn plain(e: &Expr) -> bool {
        match e {
            Expr::Lit(_) | Expr::Path(_) => true,
            Expr::Field(f) => plain(&f.base),
            Expr::Paren(p) => plain(&p.expr),
            Expr::Unary(u) => plain(&u.expr),
            Expr::Cast(c) => plain(&c.expr),
            Expr::Reference(r) => plain(&r.expr),
            Expr::Binary(b) => plain(&b.left) && plain(&b.right),
            Expr::Index(i) => plain(&i.expr) && plain(&i.index),
            _ => false,
        }
    }
    if plain(&e) {
        return e;
    }
    let v = crate::names::hidden("__lh_operand");
    crate::splice::expr(quote::quote!({ let #v = __lh_hole0; #v }), vec![e])
}

/// Puts the temporary `tmp` where `e` was (in braces if `moved`, which says
/// it is moved, never borrowed) and returns `e`. The use is located at `e`,
/// at its last token (the user's `?` or `.await`, where earlier steps may
/// have wrapped its start in generated code), so that rustc reports what it
/// finds wrong with it (a move out of a kept temporary, say) at the user's
/// expression rather than at the attribute.
fn take_into(tmp: &proc_macro2::Ident, e: &mut Expr, moved: bool) -> Expr {
    let last = quote::ToTokens::to_token_stream(&*e)
        .into_iter()
        .last()
        .map(|t| match t {
            TokenTree::Group(g) => g.span_close(),
            t => t.span(),
        });
    let at = proc_macro2::Ident::new(
        &tmp.to_string(),
        tmp.span()
            .located_at(last.unwrap_or_else(|| syn::spanned::Spanned::span(&*e))),
    );
    let with = if moved {
        parse_quote!({ #at })
    } else {
        parse_quote!(#at)
    };
    std::mem::replace(e, with)
}

/// Takes off the `match value { tmp => .. }` that `Hoist::wrap` put around
/// `e`, outermost first, adding each to `lifted`: the expression that holds
/// `e` lifts them with its own, so that they live as long.
fn unwrap_hoisted(e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
    while let Expr::Match(m) = e
        && hoisted(m)
        && let Some(arm) = m.arms.pop()
        && let syn::Pat::Ident(tmp) = arm.pat
    {
        lifted.push((tmp.ident, std::mem::replace(&mut *m.expr, parse_quote!(()))));
        *e = *arm.body;
    }
}

/// Takes off the hoisted temporaries (see `unwrap_hoisted`) of what `e`
/// evaluates first: itself, or the operand of a `?`, cast, field access or
/// unary operator, or the first operand of a value it builds.
fn hoisted_lead(e: &mut Expr, lifted: &mut Vec<(proc_macro2::Ident, Expr)>) {
    unwrap_hoisted(e, lifted);
    match e {
        Expr::Try(t) => hoisted_lead(&mut t.expr, lifted),
        Expr::Paren(p) => hoisted_lead(&mut p.expr, lifted),
        Expr::Cast(c) => hoisted_lead(&mut c.expr, lifted),
        Expr::Field(f) => hoisted_lead(&mut f.base, lifted),
        Expr::Unary(u) => hoisted_lead(&mut u.expr, lifted),
        _ if builds_value(e) => {
            if let Some(first) = operands(e).into_iter().next() {
                hoisted_lead(first, lifted);
            }
        }
        _ => {}
    }
}

/// Is `m` a `match value { tmp => e }` that `Hoist::wrap` made?
fn hoisted(m: &syn::ExprMatch) -> bool {
    matches!(m.arms.as_slice(), [arm] if arm.guard.is_none()
        && matches!(&arm.pat, syn::Pat::Ident(p) if p.subpat.is_none()
            && p.ident.to_string().starts_with("__tmp")))
}

/// Does `e` borrow a temporary it creates (`&make()`), where
/// `Hoist::lift_borrowed` finds it: not in a branch, block or closure (a
/// `match`'s scrutinee is not a branch)?
fn borrows_temporary(e: &mut Expr) -> bool {
    match e {
        Expr::Reference(r) => borrows_new_value(r),
        Expr::MethodCall(m) if borrows_receiver_temporary(m) => true,
        Expr::Match(m) if !hoisted(m) => borrows_temporary(&mut m.expr),
        Expr::Paren(p) => borrows_temporary(&mut p.expr),
        Expr::Group(g) => borrows_temporary(&mut g.expr),
        Expr::Cast(c) => borrows_temporary(&mut c.expr),
        Expr::Field(f) => borrows_temporary(&mut f.base),
        Expr::Try(t) => borrows_temporary(&mut t.expr),
        Expr::Unary(u) => borrows_temporary(&mut u.expr),
        _ if builds_value(e) => operands(e).into_iter().any(borrows_temporary),
        _ => false,
    }
}

/// Is `m` a method that borrows its receiver, called on a temporary (or a
/// place in one: `make().items.len()`)? rustc keeps that temporary to the end
/// of the statement. Only methods that borrow their receiver whatever the
/// type are known (`len`, `next`, `get`, ...): one taking `self`
/// (a builder's, `send`) consumes the temporary, which must then not be
/// kept, and without types the two cannot be told apart otherwise.
fn borrows_receiver_temporary(m: &syn::ExprMethodCall) -> bool {
    let name = m.method.to_string();
    let borrowing = takes_receiver_mutably(&name)
        || matches!(
            name.as_str(),
            "len"
                | "is_empty"
                | "get"
                | "first"
                | "contains"
                | "contains_key"
                | "starts_with"
                | "ends_with"
                | "as_str"
                | "as_slice"
                | "as_bytes"
                | "as_ref"
                | "as_deref"
                | "iter"
                | "keys"
                | "values"
                | "chars"
                | "bytes"
                | "lines"
                | "trim"
                | "to_string"
                | "to_owned"
                | "to_vec"
                | "clone"
                | "capacity"
        );
    let base = borrowed_temporary_ref(&m.receiver);
    borrowing && !place_expression(base) && !returns_reference(base)
}

/// Is `e` a method call known to return a reference or a borrowing view
/// (`it.as_ref()`, `s.trim()`, `v.iter()`)? Nothing to drop then, and
/// naming it would only make its lifetime a stored one.
fn returns_reference(e: &Expr) -> bool {
    let Expr::MethodCall(m) = e else { return false };
    matches!(
        m.method.to_string().as_str(),
        "as_ref"
            | "as_mut"
            | "as_str"
            | "as_slice"
            | "as_bytes"
            | "as_deref"
            | "as_deref_mut"
            | "trim"
            | "trim_start"
            | "trim_end"
            | "get"
            | "get_mut"
            | "first"
            | "last"
            | "iter"
            | "iter_mut"
            | "chars"
            | "bytes"
            | "lines"
            | "keys"
            | "values"
            | "deref"
            | "deref_mut"
    )
}

/// Methods of the list above that borrow their receiver mutably.
fn takes_receiver_mutably(name: &str) -> bool {
    matches!(
        name,
        "next" | "next_back" | "peek" | "get_mut" | "first_mut" | "as_mut" | "iter_mut"
    )
}

/// `borrowed_temporary` without changing anything.
fn borrowed_temporary_ref(e: &Expr) -> &Expr {
    match e {
        Expr::Field(f) => borrowed_temporary_ref(&f.base),
        Expr::Index(i) => borrowed_temporary_ref(&i.expr),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => borrowed_temporary_ref(expr),
        Expr::Paren(p) => borrowed_temporary_ref(&p.expr),
        Expr::Group(g) => borrowed_temporary_ref(&g.expr),
        value => value,
    }
}

/// Does `r` borrow a temporary: a value it computes (`&make()`) or a place
/// in one (`&make().body`, `&make()[0]`, `&*make()`)? Not a place of a
/// local, nor a constant that rustc promotes to a `'static`
/// (`&[1, 2]`).
fn borrows_new_value(r: &syn::ExprReference) -> bool {
    fn temporary(e: &Expr, shared: bool) -> bool {
        match e {
            Expr::Path(_) => false,
            Expr::Field(f) => temporary(&f.base, shared),
            Expr::Index(i) => temporary(&i.expr, shared),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => temporary(&u.expr, shared),
            Expr::Paren(p) => temporary(&p.expr, shared),
            Expr::Group(g) => temporary(&g.expr, shared),
            // Only a shared borrow of a constant is promoted.
            _ => !(shared && promoted(e)),
        }
    }
    temporary(&r.expr, r.mutability.is_none())
}

/// The temporary that borrowing `e` borrows, where `borrows_new_value`.
fn borrowed_temporary(e: &mut Expr) -> &mut Expr {
    match e {
        Expr::Field(f) => borrowed_temporary(&mut f.base),
        Expr::Index(i) => borrowed_temporary(&mut i.expr),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => borrowed_temporary(expr),
        Expr::Paren(p) => borrowed_temporary(&mut p.expr),
        Expr::Group(g) => borrowed_temporary(&mut g.expr),
        value => value,
    }
}

/// A constant rustc promotes to a `'static` when it is borrowed: a literal,
/// or an array or tuple of them.
fn promoted(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) => true,
        Expr::Array(a) => a.elems.iter().all(promoted),
        Expr::Tuple(t) => t.elems.iter().all(promoted),
        Expr::Paren(p) => promoted(&p.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => promoted(&u.expr),
        _ => false,
    }
}

/// The operands of `e` that rustc evaluates in order, left to right.
fn operands(e: &mut Expr) -> Vec<&mut Expr> {
    match e {
        Expr::Array(a) => a.elems.iter_mut().collect(),
        Expr::Tuple(t) => t.elems.iter_mut().collect(),
        Expr::Call(c) => std::iter::once(&mut *c.func)
            .chain(c.args.iter_mut())
            .collect(),
        Expr::MethodCall(m) => std::iter::once(&mut *m.receiver)
            .chain(m.args.iter_mut())
            .collect(),
        Expr::Binary(b) if !is_assign_op(&b.op) => vec![&mut *b.left, &mut *b.right],
        Expr::Index(i) => vec![&mut *i.expr, &mut *i.index],
        // `place = value`: the value is evaluated before the place.
        Expr::Assign(a) => vec![&mut *a.right, &mut *a.left],
        Expr::Struct(s) => s
            .fields
            .iter_mut()
            .map(|f| &mut f.expr)
            .chain(s.rest.iter_mut().map(|r| &mut **r))
            .collect(),
        Expr::Range(r) => r
            .start
            .iter_mut()
            .chain(r.end.iter_mut())
            .map(|b| &mut **b)
            .collect(),
        _ => Vec::new(),
    }
}

/// Is `e` an expression whose operands all become part of a new value
/// (rather than a place, or a short-circuiting operator)?
fn builds_value(e: &Expr) -> bool {
    match e {
        Expr::Call(_) | Expr::MethodCall(_) | Expr::Array(_) | Expr::Tuple(_) | Expr::Struct(_) => {
            true
        }
        Expr::Binary(b) => {
            !is_assign_op(&b.op) && !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_))
        }
        _ => false,
    }
}

/// Is `op` a comparison (`==`, `<`, ..), which borrows its operands?
fn is_comparison(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(op, Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_))
}

/// Is `op` a compound assignment (`+=`, `<<=`, ..)?
pub fn is_assign_op(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Does a closure or `async` block follow operand `last` of `e`, which
/// suspends on some paths only?
fn closure_follows(e: &mut Expr, last: usize) -> bool {
    let ops = operands(e);
    crate::joins::paths_meet(ops[last])
        && ops[last + 1..]
            .iter()
            .any(|op| crate::joins::has_closure(op))
}

/// Is `e` a let-chain: `&&`s with a `let` among their operands?
fn let_chain(e: &Expr) -> bool {
    match e {
        Expr::Let(_) => true,
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let_chain(&b.left) || let_chain(&b.right)
        }
        _ => false,
    }
}

/// Operands are hoisted up to the last one that suspends.
fn last_suspending(e: &mut Expr) -> Option<usize> {
    operands(e).iter().rposition(|op| contains_await(op))
}

impl VisitMut for Hoist {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // Macro calls with expression arguments: an `.await` cannot stay inside
        // the macro's tokens, so it is lifted out with everything before it.
        if let Expr::Macro(m) = e
            && let Some(mut args) = crate::macro_args::parse(&m.mac)
        {
            for a in args.args.iter_mut() {
                self.visit_expr_mut(a);
            }
            // Every argument up to the last that suspends is lifted, that one
            // included: an `.await` cannot stay inside the macro's tokens.
            let lifted = match args.args.iter().rposition(contains_await) {
                Some(last) => {
                    // A formatting macro borrows its arguments: a place
                    // (`v[0]`) stays, as a value it would be moved out.
                    let mut lifted = Vec::new();
                    for a in args.args.iter_mut().take(last + 1) {
                        let borrowed = !contains_await(a);
                        self.lift_operand(a, borrowed, &mut lifted);
                    }
                    lifted
                }
                None => Vec::new(),
            };
            crate::macro_args::set(&mut m.mac, &args);
            self.wrap(e, lifted);
            return;
        }
        match e {
            Expr::Assign(a) if contains_await(&a.left) => {
                self.visit_expr_mut(&mut a.right);
                self.visit_place(&mut a.left);
            }
            Expr::Binary(b) if is_assign_op(&b.op) && contains_await(&b.left) => {
                self.visit_expr_mut(&mut b.right);
                self.visit_place(&mut b.left);
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
        match e {
            Expr::Await(a) => {
                let base = &mut *a.base;
                // The awaitee's operands were lifted where it was visited;
                // they are lifted around the whole `.await` instead.
                let mut lifted = Vec::new();
                unwrap_hoisted(base, &mut lifted);
                if contains_await(base) {
                    match last_suspending(base) {
                        Some(last) => lifted.extend(self.take_operands(base, last, true)),
                        None => {
                            // Not a call-like operand: evaluate it whole first.
                            let tmp = self.temp();
                            let value = take_into(&tmp, base, false);
                            lifted.push((tmp, value));
                        }
                    }
                }
                // What is left of the awaitee is await-free; the temporaries
                // it borrows are lifted after those operands.
                self.lift_borrowed(base, &mut lifted);
                self.wrap(e, lifted);
            }
            // `v[i.await] = x`: `x` is evaluated first, then the index.
            Expr::Assign(a) if contains_await(&a.left) => {
                let lifted = self.value_then_place(&mut a.right, &mut a.left);
                self.wrap(e, lifted);
            }
            // `v[i.await] += k`, `*lock.write().await += n`: for primitive
            // types rustc evaluates the value first, then the place (as for
            // `=` above; an overloaded `AddAssign` takes the place first,
            // which only types could tell).
            // (Both may await: `v[i.await] += x.await` lifts `x.await` first.)
            Expr::Binary(b) if is_assign_op(&b.op) && contains_await(&b.left) => {
                let lifted = self.value_then_place(&mut b.right, &mut b.left);
                self.wrap(e, lifted);
            }
            // `v[i()] += value.await`: the value is lifted whole, so that the
            // place is evaluated once, after it. (rustc evaluates the value
            // first for primitive types, the place first for an overloaded
            // `AddAssign`; left in place, the place would be evaluated
            // before the suspension and again after it.) A local or its
            // field can be evaluated twice unobserved, and stays.
            Expr::Binary(b)
                if is_assign_op(&b.op)
                    && !place(&b.left)
                    && contains_await(&b.right)
                    && !contains_await(&b.left) =>
            {
                let mut lifted = Vec::new();
                self.lift_value(&mut b.right, &mut lifted);
                self.wrap(e, lifted);
            }
            // A let-chain (`c && let P = v.await`) must stay whole in its
            // condition: its left side is used up before the right runs.
            _ if let_chain(e) => {}
            _ => {
                if let Some(last) = last_suspending(e) {
                    // The suspending operand itself is lifted too when
                    // operands come before it: otherwise the inline code would
                    // move those operands into the half-built value before
                    // suspending, while the state still needs them.
                    //
                    // So is one that suspends on some paths only when a
                    // closure or `async` block follows it: hoisted into a
                    // `match`, what follows is a branch, where a join point
                    // can write it once (see `joins`).
                    let include_last = (last > 0 && builds_value(e)) || closure_follows(e, last);
                    let mut lifted = self.take_operands(e, last, include_last);
                    // Left in place, the suspending operand's own hoisted
                    // temporaries (`conn.await?` in `conn.await?.query().await
                    // + n`) join `e`'s, so that they too live to the end of
                    // the statement.
                    if !include_last && builds_value(e) {
                        hoisted_lead(operands(e).swap_remove(last), &mut lifted);
                    }
                    self.wrap(e, lifted);
                }
            }
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

struct TagBindings {
    next: usize,
    /// Inside a closure or async block: its references are tagged (they may
    /// name a pinned local) but its own bindings are not the function's.
    nested: usize,
}

impl TagBindings {
    /// A call whose arguments cannot be read is tagged with the names its
    /// tokens use (see `macro_aliases`); one whose arguments are
    /// expressions has them tagged as code.
    fn tag_uses(&mut self, attrs: &mut Vec<syn::Attribute>, mac: &mut syn::Macro) {
        if crate::macro_args::never_evaluated(mac) {
            return;
        }
        // The arguments that are expressions are tagged as such; the tokens
        // that are not (all of them, or a pattern's guard) by name.
        let unread = match crate::macro_args::parse(mac) {
            Some(args) => {
                let rest = args.rest().clone();
                self.visit_macro_mut(mac);
                rest
            }
            None => mac.tokens.clone(),
        };
        for name in crate::macro_args::token_names(&unread) {
            crate::macro_aliases::tag(attrs, &name, self.next);
            self.next += 1;
        }
    }
}

impl VisitMut for TagBindings {
    fn visit_pat_mut(&mut self, p: &mut syn::Pat) {
        if self.nested == 0 {
            tag_pattern(p, &mut self.next);
        }
    }
    fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
        self.nested += 1;
        visit_mut::visit_expr_closure_mut(self, c);
        self.nested -= 1;
    }
    fn visit_expr_async_mut(&mut self, a: &mut syn::ExprAsync) {
        self.nested += 1;
        visit_mut::visit_expr_async_mut(self, a);
        self.nested -= 1;
    }
    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        // A macro's arguments, when they are expressions, name locals too
        // (`println!("{}", list.len())`): tagged, they are rewritten like
        // any other use (pinned, renamed).
        crate::macro_args::edit(m, |args| {
            args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
        });
    }
    fn visit_expr_macro_mut(&mut self, m: &mut syn::ExprMacro) {
        self.tag_uses(&mut m.attrs, &mut m.mac);
    }
    fn visit_stmt_macro_mut(&mut self, m: &mut syn::StmtMacro) {
        self.tag_uses(&mut m.attrs, &mut m.mac);
    }
    fn visit_expr_path_mut(&mut self, e: &mut syn::ExprPath) {
        // Every single-name path gets a reference tag, so that a rename can
        // find exactly the references the resolver attributed to a binding.
        if e.qself.is_none() && e.path.segments.len() == 1 {
            crate::bindings::tag_ref(&mut e.attrs, self.next);
            self.next += 1;
        }
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
