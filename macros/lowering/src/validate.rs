//! Checks that reject what the lowering cannot express, each with a spanned
//! error that says what to write instead. All errors are collected, not just
//! the first (the `serde_derive` way), and the macro never panics.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, ExprAwait, Macro};

/// Collects what rustc would reject in the signature of a function the
/// lowering rewrites: `const` (a state machine is built and polled at run
/// time; rustc rejects `const async fn` too) and C-variadic arguments.
/// Both are removed from `sig`, so the function's stand-in reports nothing
/// twice.
pub fn check_signature(sig: &mut syn::Signature, attr: &str, errors: &mut Vec<syn::Error>) {
    if let Some(c) = sig.constness.take() {
        let too = match attr {
            "desugar" => " (rustc rejects `const async fn` too)",
            _ => "",
        };
        errors.push(syn::Error::new(
            c.span,
            format!(
                "a `#[longhand::{attr}]` function cannot be `const`: its state machine is built \
                 and run at run time{too}; remove `const`"
            ),
        ));
    }
    if let Some(v) = sig.variadic.take() {
        errors.push(syn::Error::new_spanned(
            &v,
            format!(
                "a `#[longhand::{attr}]` function cannot take C-variadic arguments (`...`): \
                 take a slice or a `Vec` instead"
            ),
        ));
    }
}

/// Collects every problem in the body of an `async fn` to be desugared.
pub fn check_body(block: &syn::Block, mode: &crate::mode::Mode, errors: &mut Vec<syn::Error>) {
    let mut v = Checker {
        errors,
        in_closure: false,
        in_async: false,
        generator: mode.is_generator(),
        may_await: mode.may_await(),
        awaiting_macros: Vec::new(),
    };
    v.visit_block(block);
}

struct Checker<'e> {
    errors: &'e mut Vec<syn::Error>,
    in_closure: bool,
    /// Inside a native `async` block, which rustc lowers (an `async`
    /// closure is not looked into at all).
    in_async: bool,
    generator: bool,
    may_await: bool,
    /// The `macro_rules!` defined in the body that expand to an `.await`.
    awaiting_macros: Vec<String>,
}

/// Is this macro `yield_!` (any path ending in `yield_`)?
pub fn is_yield(mac: &Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "yield_")
}

/// Does a macro's token stream contain `.await`?
pub fn tokens_contain_await(tokens: &TokenStream) -> bool {
    let mut prev_dot = false;
    for tt in tokens.clone() {
        match tt {
            proc_macro2::TokenTree::Punct(p) => prev_dot = p.as_char() == '.',
            proc_macro2::TokenTree::Ident(i) => {
                if prev_dot && i == "await" {
                    return true;
                }
                prev_dot = false;
            }
            proc_macro2::TokenTree::Group(g) => {
                if tokens_contain_await(&g.stream()) {
                    return true;
                }
                prev_dot = false;
            }
            proc_macro2::TokenTree::Literal(_) => prev_dot = false,
        }
    }
    false
}

impl Checker<'_> {
    /// A `match` whose guards await is chosen before it is matched (see
    /// `guard_awaits`), inside a labeled block, where an unlabeled `break`
    /// or `continue` in such a guard would be E0695.
    fn check_awaiting_guards(&mut self, m: &syn::ExprMatch) {
        let Some(last) = crate::guard_awaits::last_awaiting_guard(m) else {
            return;
        };
        for arm in &m.arms[..=last] {
            if let Some((_, guard)) = &arm.guard
                && let Some(jump) = unlabeled_jump(guard)
            {
                self.errors.push(syn::Error::new(
                    jump,
                    "this `break`/`continue` is in a `match` whose guards await, which longhand \
                     lowers inside a labeled block: name the loop it leaves with a label \
                     (`'outer: loop { .. continue 'outer .. }`)",
                ));
            }
        }
    }
}

/// The span of an unlabeled `break` or `continue` in `e` that leaves an
/// enclosing loop (not one of `e`'s own loops or closures).
fn unlabeled_jump(e: &Expr) -> Option<proc_macro2::Span> {
    struct Find(Option<proc_macro2::Span>);
    impl<'a> Visit<'a> for Find {
        fn visit_expr(&mut self, e: &'a Expr) {
            match e {
                Expr::Break(b) if b.label.is_none() => self.0 = self.0.or(Some(b.span())),
                Expr::Continue(c) if c.label.is_none() => self.0 = self.0.or(Some(c.span())),
                Expr::Loop(_)
                | Expr::While(_)
                | Expr::ForLoop(_)
                | Expr::Closure(_)
                | Expr::Async(_) => return,
                _ => {}
            }
            syn::visit::visit_expr(self, e);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut find = Find(None);
    find.visit_expr(e);
    find.0
}

impl<'a> Visit<'a> for Checker<'_> {
    fn visit_expr_await(&mut self, e: &'a ExprAwait) {
        if !self.in_closure && !self.may_await {
            self.errors.push(syn::Error::new(
                e.await_token.span(),
                "a generator that returns `impl Iterator` cannot `.await`: return \
                 `impl Stream<Item = T>` to yield and await",
            ));
        }
        if self.in_closure {
            self.errors.push(syn::Error::new(
                e.await_token.span(),
                "`.await` is only allowed inside `async` functions and blocks: this one is inside \
                 a closure; await the value before the closure, or make it an `async` closure or \
                 block",
            ));
        }
        syn::visit::visit_expr_await(self, e);
    }

    fn visit_expr_closure(&mut self, c: &'a syn::ExprClosure) {
        if c.asyncness.is_some() {
            return; // an async closure is lowered by rustc, natively
        }
        let outer = self.in_closure;
        self.in_closure = true;
        syn::visit::visit_expr_closure(self, c);
        self.in_closure = outer;
    }

    fn visit_expr_async(&mut self, a: &'a syn::ExprAsync) {
        // Native async blocks are fine; only look for `yield_!` inside them.
        let (outer, outer_async) = (self.in_closure, self.in_async);
        self.in_closure = false;
        self.in_async = true;
        syn::visit::visit_expr_async(self, a);
        (self.in_closure, self.in_async) = (outer, outer_async);
    }

    fn visit_item(&mut self, item: &'a syn::Item) {
        if let syn::Item::Macro(m) = item
            && m.mac.path.is_ident("macro_rules")
            && let Some(name) = &m.ident
            && tokens_contain_await(&m.mac.tokens)
        {
            self.awaiting_macros.push(name.to_string());
        }
    }

    fn visit_expr_match(&mut self, m: &'a syn::ExprMatch) {
        if !self.in_closure {
            self.check_awaiting_guards(m);
        }
        syn::visit::visit_expr_match(self, m);
    }

    fn visit_macro(&mut self, mac: &'a Macro) {
        let name = mac
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        if !self.in_closure && !self.in_async && self.awaiting_macros.contains(&name) {
            self.errors.push(syn::Error::new(
                mac.path.span(),
                format!(
                    "`{name}!` expands to an `.await`, which longhand cannot lower: it sees a \
                     macro's arguments, not what the macro expands to. Make the macro expand \
                     to the future and write `.await` after the call (`{name}!(..).await`)"
                ),
            ));
        }
        if is_yield(mac) && self.generator {
            if self.in_closure {
                self.errors.push(syn::Error::new(
                    mac.span(),
                    "`yield_!` inside a closure cannot suspend the generator: yield from the \
                     generator's own body",
                ));
            }
        } else if is_yield(mac) {
            self.errors.push(syn::Error::new(
                mac.span(),
                "`yield_!` belongs in a generator: `#[longhand::desugar]` lowers an `async fn`; \
                 write the function as `#[longhand::generator] fn .. -> impl Stream<Item = T>` \
                 to yield values",
            ));
        } else if let Some(first) = runs_sometimes(mac)
            && !self.in_closure
            && let Some(args) = crate::macro_args::parse(mac)
            && let Some(a) = args
                .args
                .iter()
                .skip(first)
                .find(|a| crate::awaits::contains_await(a))
        {
            let name = crate::macro_args::name(mac);
            let when = if name.starts_with("debug_") {
                "only in debug builds"
            } else if name == "ensure" {
                "only when the condition fails"
            } else {
                "only when the assertion fails"
            };
            self.errors.push(syn::Error::new(
                a.span(),
                format!(
                    "this `.await` in `{name}!` runs {when}; longhand would hoist it out of the macro \
                     and run it always: await the value with a `let` before the `{name}!`"
                ),
            ));
        } else if let Some(Expr::Match(m)) = crate::guard_awaits::matches_as_match(mac)
            && !self.in_closure
        {
            self.check_awaiting_guards(&m);
        } else if let Some(rest) = crate::macro_args::pattern_and_guard(mac)
            && !self.in_closure
            && tokens_contain_await(&rest)
        {
            let name = crate::macro_args::name(mac);
            self.errors.push(syn::Error::new_spanned(
                rest,
                format!(
                    "longhand does not lower `.await` inside `{name}!`'s guard yet (it runs only \
                     when the pattern matches): await the value with a `let` before the \
                     `{name}!` and test it in the guard"
                ),
            ));
        } else if !self.in_closure
            && crate::awaiting_macros::awaiting(mac).is_none()
            && !crate::macro_args::evaluates_args_once(mac)
            && let Some(args) = crate::macro_args::parse(mac)
            && let Some(a) = args.args.iter().find(|a| crate::awaits::contains_await(a))
        {
            let name = crate::macro_args::name(mac);
            self.errors.push(syn::Error::new(
                a.span(),
                format!(
                    "longhand cannot tell how `{name}!` evaluates this argument (once, twice, or \
                     only sometimes, as a logging macro whose level is off), and would run its \
                     `.await` once, before the macro: await the value with a `let` before the \
                     `{name}!`"
                ),
            ));
        } else if let Some(awaiting) = crate::awaiting_macros::awaiting(mac)
            && !self.in_async
        {
            self.awaiting_macro(mac, &awaiting);
            // A `select!`'s futures and handlers become the body's code.
            if let crate::awaiting_macros::Awaiting::Select(select) = &awaiting {
                for e in select.exprs() {
                    Visit::visit_expr(self, e);
                }
            }
        } else if !self.in_closure
            && tokens_contain_await(&mac.tokens)
            && crate::macro_args::parse(mac).is_none()
            && !crate::macro_args::never_evaluated(mac)
        {
            self.errors.push(syn::Error::new(
                mac.span(),
                "longhand cannot see inside this macro call to lower its `.await`: bind the \
                 awaited value to a local before the macro (`let v = fut.await;`)",
            ));
        }
    }

    fn visit_expr(&mut self, e: &'a Expr) {
        if let Expr::Macro(m) = e
            && let Some(args) = crate::macro_args::parse(&m.mac)
        {
            // Its arguments are ordinary expressions: check them as such.
            self.visit_macro(&m.mac);
            for a in &args.args {
                self.visit_expr(a);
            }
            return;
        }
        syn::visit::visit_expr(self, e);
    }
}

impl Checker<'_> {
    /// A macro call that awaits in its expansion, in the body's own code.
    fn awaiting_macro(&mut self, mac: &Macro, awaiting: &crate::awaiting_macros::Awaiting) {
        let name = crate::macro_args::name(mac);
        let problem = if self.in_closure {
            format!(
                "`{name}!` awaits, and this one is inside a closure: call it from the body \
                 itself, or make the closure an `async` closure or block"
            )
        } else if !self.may_await {
            format!(
                "`{name}!` awaits, and a generator that returns `impl Iterator` cannot: return \
                 `impl Stream<Item = T>` to yield and await"
            )
        } else if matches!(awaiting, crate::awaiting_macros::Awaiting::Opaque) {
            let lowered = if name == "select" {
                "; `tokio::select!` in tokio's syntax is lowered"
            } else {
                ""
            };
            format!(
                "`{name}!` awaits inside its own expansion, which longhand cannot see or lower \
                 (its branches are not plain expressions{lowered}): move it into a helper \
                 `async fn` without `#[longhand::desugar]` and await that"
            )
        } else {
            return;
        };
        self.errors.push(syn::Error::new(mac.span(), problem));
    }
}

/// The first argument of an assertion macro that runs on some runs only:
/// the message of `assert!` and `assert_eq!` (from their format string on),
/// every argument of the `debug_` ones, and the error of `ensure!`.
fn runs_sometimes(mac: &Macro) -> Option<usize> {
    match crate::macro_args::name(mac).as_str() {
        "debug_assert" | "debug_assert_eq" | "debug_assert_ne" | "debug_assert_matches" => Some(0),
        "assert" | "assert_eq" | "assert_ne" => crate::macro_args::format_string_at(mac),
        // anyhow's and eyre's: the error after the condition.
        "ensure" => Some(1),
        _ => None,
    }
}
