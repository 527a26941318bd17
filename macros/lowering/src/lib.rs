//! The lowering pass of longhand: `async fn` bodies to explicit enum state
//! machines, as a plain library (the proc-macro crate and the CLI both call it).
//!
//! # The transformation
//!
//! rustc lowers an `async fn` to a coroutine: an enum with one variant per
//! suspension point, each holding the values alive there, resumed by a
//! `poll` that jumps to the right place. longhand writes the same thing out as
//! Rust source, on stable, without knowing any types:
//!
//! 1. **Check** (`validate`): reject what cannot be lowered (an `.await` in
//!    a closure, `yield_!`, ...), with spanned errors that say what to write.
//! 2. **Parameters** (`signature`): the outer function moves its arguments
//!    into `Unresumed`; the body rebinds them with `let`, as rustc does.
//! 3. **Normalise** (`normalize`): `self` becomes a local, a suspending
//!    `for` loop is desugared, operands evaluated before an `.await` are
//!    hoisted into `match` temporaries, bindings and `.await`s are numbered;
//!    where a closure or `async` block would be written out once per path
//!    reaching it, a join point (`joins`) is inserted.
//! 4. **Liveness** (`analysis`): for each `.await`, the bindings whose
//!    values are still needed there.
//! 5. **Resumption** (`resume`): for each `.await`, the rest of the
//!    function from that point, as structured code.
//! 6. **Emission** (`emit`): a state enum declared inside the function,
//!    generic over every stored value's type (so the types are inferred, never
//!    named), and a poll closure that dispatches on it; the function returns
//!    `impl Future` built from the pair.
//!
//! The unsafe part (pinning, moving values in and out of the pinned state) is
//! generic and lives in `longhand::__private`; the expansion only calls it.

mod analysis;
mod assert_text;
mod async_blocks;
mod awaiting_macros;
mod awaits;
mod bindings;
mod borrow_lifetime;
mod callee;
mod cfg_split;
mod destructure;
mod emit;
pub mod entry;
mod exits;
pub mod graph;
mod guard_awaits;
mod hidden_jumps;
mod joins;
mod let_chains;
mod macro_aliases;
mod macro_args;
mod macro_locals;
mod mode;
mod names;
mod normalize;
mod pin;
mod pin_macros;
mod rebind;
mod recursion;
mod release;
mod resume;
mod returning_macros;
mod select_macro;
mod signature;
mod splice;
mod text;
mod type_carriers;
mod typed_copies;
mod validate;
mod yields;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;

/// Lowers the `async fn` in `item`; `attr` must be empty.
///
/// Returns the expansion, or `compile_error!`s (plus a stand-in for the
/// function, so the rest of the crate still type-checks against it).
///
/// ```
/// let item = quote::quote! {
///     async fn twice(x: u32) -> u32 { std::future::ready(x).await * 2 }
/// };
/// let out = longhand_lowering::desugar(Default::default(), item).to_string();
/// assert!(out.contains("enum TwiceState"));
/// assert!(out.contains("Suspend0"));
/// ```
pub fn desugar(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    if !attr.is_empty() {
        errors.push(syn::Error::new(
            attr.span(),
            "`#[longhand::desugar]` takes no arguments: write `#[longhand::desugar]`",
        ));
    }
    let mut func = match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(f) => f,
        Err(_) => return not_a_fn(item, "desugar", errors),
    };
    validate::check_signature(&mut func.sig, "desugar", &mut errors);
    check_lowered_once(&mut func, "desugar", &mut errors);
    if func.sig.asyncness.is_none() {
        let why = match entry::runs_async_body(&func) {
            true => {
                " (it runs an `async` block: if an attribute above `#[longhand::desugar]`, such \
                 as `#[tokio::main]`, made it so, write `#[longhand::desugar]` above that \
                 attribute instead)"
            }
            false => "",
        };
        errors.push(syn::Error::new(
            func.sig.fn_token.span,
            format!(
                "`#[longhand::desugar]` lowers an `async fn`: make this function `async`, or \
                 remove the attribute{why}"
            ),
        ));
        return with_errors(errors, func.into_token_stream());
    }
    validate::check_body(&func.block, &mode::Mode::Future, &mut errors);
    recursion::check(&func.block, &func.sig.ident.to_string(), &mut errors);
    if !errors.is_empty() {
        return with_errors(errors, stand_in(&func));
    }
    entry::around_runtime_entry(&func, |inner| lower_configured(inner, mode::Mode::Future))
        .unwrap_or_else(|| lower_configured(&func, mode::Mode::Future))
}

/// Lowers `func` once per configuration its body's `#[cfg]`s distinguish,
/// each under the `#[cfg]` that selects it (see `cfg_split`).
fn lower_configured(func: &syn::ItemFn, mode: mode::Mode) -> TokenStream {
    let conditions = cfg_split::conditions(&func.block);
    if conditions.len() > cfg_split::MAX_CONDITIONS {
        let e = syn::Error::new(
            func.sig.ident.span(),
            format!(
                "longhand lowers a body once per configuration its `#[cfg]`s distinguish, and \
                 this one names {} conditions ({}); at most {} are supported: move the \
                 configured code into helper functions",
                conditions.len(),
                conditions.join(", "),
                cfg_split::MAX_CONDITIONS
            ),
        );
        return with_errors(vec![e], stand_in(func));
    }
    let mut out = TokenStream::new();
    for set in cfg_split::assignments(&conditions) {
        let mut configured = func.clone();
        cfg_split::resolve(&mut configured.block, &set);
        let lowered = lower(&configured, mode.clone());
        out.extend(match conditions.is_empty() {
            true => lowered,
            false => cfg_split::select(lowered, &cfg_split::selector(&conditions, &set)),
        });
    }
    out
}

/// Lowers a generator (`yield_!(v)` in a plain `fn` returning
/// `impl Iterator<Item = T>`, or `impl Stream<Item = T>` to also `.await`).
///
/// ```
/// let out = longhand_lowering::generator(
///     Default::default(),
///     quote::quote!(fn count() -> impl Iterator<Item = u32> { yield_!(1); yield_!(2); }),
/// );
/// assert!(out.to_string().contains("enum CountState"));
/// ```
pub fn generator(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    if !attr.is_empty() {
        errors.push(syn::Error::new(
            attr.span(),
            "`#[longhand::generator]` takes no arguments: write `#[longhand::generator]`",
        ));
    }
    let mut func = match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(f) => f,
        Err(_) => return not_a_fn(item, "generator", errors),
    };
    validate::check_signature(&mut func.sig, "generator", &mut errors);
    check_lowered_once(&mut func, "generator", &mut errors);
    if let Some(a) = &func.sig.asyncness {
        errors.push(syn::Error::new(
            a.span,
            "a `#[longhand::generator]` is a plain `fn` (it returns `impl Iterator` or \
             `impl Stream`): remove `async`",
        ));
        return with_errors(errors, func.into_token_stream());
    }
    let mode = match mode::generator_mode(&func.sig.output) {
        Ok(m) => m,
        Err(e) => {
            errors.push(e);
            return with_errors(errors, stand_in(&func));
        }
    };
    validate::check_body(&func.block, &mode, &mut errors);
    if !errors.is_empty() {
        let attrs = &func.attrs;
        let vis = &func.vis;
        let sig = &func.sig;
        let empty = match mode {
            mode::Mode::Stream(_) => quote!(::longhand::__private::empty_stream()),
            _ => quote!(::core::iter::empty()),
        };
        return with_errors(
            errors,
            quote!(#(#attrs)* #[allow(unused_variables)] #vis #sig { #empty }),
        );
    }
    lower_configured(&func, mode)
}

/// A function taken through every step before emission.
pub(crate) struct Prepared {
    /// The outer signature (async removed, parameters renamed).
    pub sig: syn::Signature,
    /// The parameters.
    pub params: Vec<signature::Param>,
    /// The items declared in the body, which the function declares first.
    pub items: Vec<syn::Stmt>,
    /// The normalised body, parameter prelude included.
    pub body: syn::Block,
    /// Liveness at each suspension point.
    pub liveness: analysis::Liveness,
    /// Source text and line of each suspension point.
    pub await_docs: Vec<(String, Option<usize>)>,
    /// An `async fn`, or a generator.
    pub mode: mode::Mode,
    /// The body as a native `async` block that is never run, emitted when
    /// locals are pinned: rustc's borrow checker then vouches for every
    /// borrow of a pinned local across polls, which the lowered code cannot
    /// see (each poll reaches the local afresh).
    pub check: Option<TokenStream>,
}

/// The native check of `func`'s body: an `async` closure over the
/// parameters, handed to `__private::native_check` with the outer
/// parameters' types (so `impl Trait` parameters need not be written), never
/// called. `params` are the lowered function's parameters, in order.
fn native_check(func: &syn::ItemFn, mode: &mode::Mode, params: &[signature::Param]) -> TokenStream {
    let mut output: syn::Type = match &func.sig.output {
        _ if mode.is_generator() => syn::parse_quote!(()),
        syn::ReturnType::Default => syn::parse_quote!(()),
        syn::ReturnType::Type(_, t) => (**t).clone(),
    };
    // A closure cannot name `impl Trait`; its body tells the type instead.
    syn::visit_mut::VisitMut::visit_type_mut(&mut ImplAsInferred, &mut output);
    let mut patterns = Vec::new();
    for arg in &func.sig.inputs {
        match arg {
            syn::FnArg::Receiver(r) => {
                let this = normalize::self_ident(r.self_token.span);
                let mutability = if r.reference.is_none() {
                    r.mutability
                } else {
                    None
                };
                patterns.push(quote!(#mutability #this));
            }
            syn::FnArg::Typed(t) => {
                let pat = &t.pat;
                patterns.push(quote!(#pat));
            }
        }
    }
    // `(a, (b, ()))` and its type, from the last parameter back.
    let mut types = quote!(::core::marker::PhantomData::<()>);
    let mut pattern = quote!(());
    for (param, pat) in params.iter().zip(&patterns).rev() {
        let value = &param.value;
        types = quote!(::longhand::__private::phantom_cons(
            ::longhand::__private::phantom_of(&#value),
            #types
        ));
        pattern = quote!((#pat, #pattern));
    }
    let mut body = (*func.block).clone();
    normalize::rename_self(&mut body);
    if let Some(item) = mode.item() {
        // Each `yield_!(v)` is checked as an await that consumes `v`.
        let mut item = item.clone();
        syn::visit_mut::VisitMut::visit_type_mut(&mut ImplAsInferred, &mut item);
        yields::as_native_awaits(&mut body, &item);
    }
    let result = names::hidden("__lh_native");
    let args = names::hidden("__lh_args");
    quote! {
        #[allow(unused, clippy::all)]
        let _ = ::longhand::__private::native_check(#types, async move |mut #args| -> #output {
            let #pattern = #args;
            let #result: #output = #body;
            #result
        });
    }
}

/// Replaces each `impl Trait` in a type with `_`.
struct ImplAsInferred;

impl syn::visit_mut::VisitMut for ImplAsInferred {
    fn visit_type_mut(&mut self, t: &mut syn::Type) {
        if matches!(t, syn::Type::ImplTrait(_)) {
            *t = syn::parse_quote!(_);
        } else {
            syn::visit_mut::visit_type_mut(self, t);
        }
    }
}

/// Gives the bindings that are shadowed while alive hidden names of their own.
fn rename_shadowed(body: &mut syn::Block) {
    let (shadowed, refs) = analysis::shadowing(body);
    if !shadowed.is_empty() {
        normalize::rename_shadowed(body, &shadowed, &refs);
    }
}

/// An item, or a macro that declares one (`thread_local! { .. }`).
fn is_item(s: &syn::Stmt) -> bool {
    match s {
        syn::Stmt::Item(_) => true,
        syn::Stmt::Macro(m) => m.mac.path.is_ident("thread_local"),
        _ => false,
    }
}

fn is_macro_rules(s: &syn::Stmt) -> bool {
    matches!(s, syn::Stmt::Item(syn::Item::Macro(m)) if m.mac.path.is_ident("macro_rules"))
}

/// Takes the `static`s and `thread_local!`s out of the body's inner blocks
/// (not out of closures, `async` blocks or items, which are not split).
fn take_statics(body: &mut syn::Block) -> Vec<syn::Stmt> {
    use syn::visit_mut::VisitMut;
    struct Take(Vec<syn::Stmt>);
    impl VisitMut for Take {
        fn visit_block_mut(&mut self, b: &mut syn::Block) {
            let (statics, rest): (Vec<_>, Vec<_>) =
                std::mem::take(&mut b.stmts).into_iter().partition(|s| {
                    matches!(s, syn::Stmt::Item(syn::Item::Static(_)))
                        || matches!(s, syn::Stmt::Macro(m) if m.mac.path.is_ident("thread_local"))
                });
            b.stmts = rest;
            self.0.extend(statics);
            syn::visit_mut::visit_block_mut(self, b);
        }
        fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
        fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    let mut take = Take(Vec::new());
    for s in &mut body.stmts {
        take.visit_stmt_mut(s);
    }
    take.0
}

/// Runs steps 2 to 4 (parameters, normalisation, liveness) on a checked function.
pub(crate) fn prepare(func: &syn::ItemFn, mode: mode::Mode) -> Prepared {
    let mut sig = func.sig.clone();
    let mut params = signature::params(&mut sig.inputs);
    let mut body = (*func.block).clone();
    // Items declared in the body (`struct`, `fn`, `use`) are visible in the
    // whole body wherever they are written; the state machine's arms are
    // separate blocks, so they move to the function's own body, once.
    // (Not `macro_rules!`, which is scoped by its place in the text: it is
    // declared again in each arm that resumes after it, see `resume`.) A
    // `static` or `thread_local!` in an inner block moves too: declared
    // again in each arm, it would be another variable.
    let (mut items, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut body.stmts)
        .into_iter()
        .partition(|s| is_item(s) && !is_macro_rules(s));
    body.stmts = rest;
    items.extend(take_statics(&mut body));
    let mut stmts: Vec<syn::Stmt> = params.iter().flat_map(|p| p.prelude.clone()).collect();
    stmts.append(&mut body.stmts);
    body.stmts = stmts;
    assert_text::spell_out(&mut body);
    typed_copies::write(&mut body);
    if mode.is_generator() {
        yields::mark(&mut body);
    }
    items.extend(awaiting_macros::wrap(&mut body));
    let_chains::split(&mut body);
    guard_awaits::spell_out_matches(&mut body);
    awaits::describe(&mut body);
    // (After `describe`: a guard's `.await` keeps the text the user wrote.)
    guard_awaits::split(&mut body);
    recursion::hide(&mut body, &func.sig);
    let count = normalize::normalize(&mut body);
    rename_shadowed(&mut body);
    let await_docs = awaits::descriptions(&body, count);
    let mut liveness = analysis::analyse(&body, count, &func.sig);
    // A destructured binding that must be pinned is bound again by a plain
    // `let`; the pattern's own binding, now shadowed, is renamed.
    if !liveness.unpinnable.is_empty() && rebind::rebind(&mut body, &liveness.unpinnable) {
        rename_shadowed(&mut body);
        liveness = analysis::analyse(&body, count, &func.sig);
    }
    pin::rewrite(&mut body, &liveness, &mut params);
    type_carriers::carry(&mut body, &mut liveness);
    let check = (!liveness.pinned.is_empty()).then(|| native_check(func, &mode, &params));
    Prepared {
        sig,
        params,
        items,
        body,
        liveness,
        await_docs,
        check,
        mode,
    }
}

fn lower(func: &syn::ItemFn, mode: mode::Mode) -> TokenStream {
    let p = prepare(func, mode);
    emit::emit(emit::Plan {
        item: func,
        sig: p.sig,
        params: p.params,
        items: p.items,
        body: p.body,
        liveness: p.liveness,
        await_docs: p.await_docs,
        check: p.check,
        mode: p.mode,
    })
}

/// A second lowering attribute on the function (`desugar` twice, or
/// `desugar` and `generator`) would meet the first one's output, a plain
/// `fn`: it is reported here and removed.
fn check_lowered_once(func: &mut syn::ItemFn, attr: &str, errors: &mut Vec<syn::Error>) {
    func.attrs.retain(|a| {
        let Some(other) = entry::lowering_attr(a.path()) else {
            return true;
        };
        let msg = match other == attr {
            true => format!("`#[longhand::{attr}]` is written twice on this function: remove one"),
            false => format!(
                "a function is either `#[longhand::desugar]` (an `async fn`) or \
                 `#[longhand::generator]` (a `fn` that uses `yield_!`), not both: remove \
                 `#[longhand::{other}]`"
            ),
        };
        errors.push(syn::Error::new_spanned(a, msg));
        false
    });
}

/// The function with its body replaced, so that errors in it are reported once.
fn stand_in(func: &syn::ItemFn) -> TokenStream {
    let attrs = &func.attrs;
    let vis = &func.vis;
    let sig = &func.sig;
    quote! {
        #(#attrs)*
        #[allow(unused_variables, unreachable_code)]
        #vis #sig { ::core::unreachable!() }
    }
}

fn not_a_fn(item: TokenStream, attr: &str, mut errors: Vec<syn::Error>) -> TokenStream {
    let what = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Struct(_)) => "a struct",
        Ok(syn::Item::Enum(_)) => "an enum",
        Ok(syn::Item::Impl(_)) => "an impl block (put it on each `async fn` inside instead)",
        Ok(syn::Item::Trait(_)) => "a trait",
        Ok(syn::Item::Mod(_)) => "a module",
        Ok(syn::Item::Const(_)) | Ok(syn::Item::Static(_)) => "a constant",
        _ if syn::parse2::<syn::TraitItemFn>(item.clone()).is_ok() => {
            "a method declared without a body (put the attribute on the method in each \
             `impl`, or give this one a default body)"
        }
        Ok(_) => "not a function",
        Err(_) => "not a function with a body",
    };
    let span = item
        .clone()
        .into_iter()
        .next()
        .map(|t| t.span())
        .unwrap_or_else(proc_macro2::Span::call_site);
    let expected = if attr == "desugar" {
        "an `async fn`"
    } else {
        "a `fn`"
    };
    errors.push(syn::Error::new(
        span,
        format!("`#[longhand::{attr}]` goes on {expected} with a body; this is {what}"),
    ));
    with_errors(errors, item)
}

fn with_errors(errors: Vec<syn::Error>, item: TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for e in errors {
        out.extend(e.to_compile_error());
    }
    out.extend(item);
    out
}
