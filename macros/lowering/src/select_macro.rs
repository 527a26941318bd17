//! `tokio::select!`, lowered: its futures raced by a helper, its handlers
//! left in the body.
//!
//! The macro awaits inside its own expansion, which longhand cannot see, and
//! its handlers are the function's own code: they `.await`, `break`,
//! `continue`, `return` and use `?`. So the call is split in two. A helper
//! `async fn` that the function declares once runs `tokio::select!` over
//! the branches' futures and returns which branch won, with its value; the
//! handlers stay in the body, as the arms of a `match` on that result:
//!
//! ```text
//! tokio::select! {                    {
//!     biased;                             let __lh_enabled = [true, ready];
//!     Some(m) = rx.recv() => h0,          let __lh_futures = (rx.recv(), tick());
//!     _ = tick(), if ready => h1,         match __lh_select0(__lh_enabled, __lh_futures).await {
//!     else => h2,                             __LhSelect0::B0(Some(m)) => h0,
//! }                                           __LhSelect0::B1(_) => h1,
//!                                             __LhSelect0::Else => h2,
//!                                             _ => unreachable!(),
//!                                         }
//!                                     }
//! ```
//!
//! The helper's `select!` keeps tokio's rules: preconditions first, then
//! every future built (a disabled one too), `biased;` or a random start, a
//! branch whose value does not match its pattern disabled, the `else` branch
//! or tokio's panic when all are disabled. The helper is generic and cannot
//! read the values, so each pattern, with its bindings replaced by `_`, is
//! checked by a closure the body passes (`|v| matches!(v, Some(_))`), and a
//! rejected value disables the branch. The losing futures
//! are dropped before the winning handler runs, and the temporaries of the
//! future expressions end with the `let` that builds them, as in tokio,
//! where they end with the statement that builds its futures.

use syn::parse::{Parse, ParseStream};
use syn::visit_mut::VisitMut;
use syn::{Expr, Macro, Pat, Stmt, Token, parse_quote};

/// A parsed `tokio::select!` call.
pub struct Select {
    biased: bool,
    branches: Vec<Branch>,
    otherwise: Option<Expr>,
}

/// `pattern = future, if precondition => handler`.
struct Branch {
    pat: Pat,
    future: Expr,
    precondition: Option<Expr>,
    handler: Expr,
}

/// Parses `mac` as tokio's `select!`, when its path is `tokio::select` or
/// a bare `select` (imported by `use tokio::select;`) and its tokens have
/// that macro's syntax (crossbeam's `recv(r) -> v => ..` does not, nor
/// does `futures::select!` with `complete =>` or `default =>`).
pub fn parse(mac: &Macro) -> Option<Select> {
    let names = crate::names::path_names(&mac.path);
    match names.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["tokio", "select"] | ["select"] => mac.parse_body::<Select>().ok(),
        _ => None,
    }
}

impl Parse for Select {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let biased = input.peek(syn::Ident) && input.peek2(Token![;]) && {
            let word: syn::Ident = input.parse()?;
            if word != "biased" {
                return Err(syn::Error::new(word.span(), "expected `biased;`"));
            }
            input.parse::<Token![;]>()?;
            true
        };
        let mut branches = Vec::new();
        let mut otherwise = None;
        while !input.is_empty() {
            if input.peek(Token![else]) {
                input.parse::<Token![else]>()?;
                input.parse::<Token![=>]>()?;
                otherwise = Some(input.parse()?);
                input.parse::<Option<Token![,]>>()?;
                if !input.is_empty() {
                    return Err(input.error("`else` is the last branch of `select!`"));
                }
                break;
            }
            let pat = Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            let future = input.parse()?;
            let precondition = if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                Some(input.parse()?)
            } else {
                None
            };
            input.parse::<Token![=>]>()?;
            // As tokio's rules have it: a handler in braces is a block, and
            // the comma after it may be left out.
            let handler = if input.peek(syn::token::Brace) {
                let block: syn::Block = input.parse()?;
                input.parse::<Option<Token![,]>>()?;
                parse_quote!(#block)
            } else {
                let handler = input.parse()?;
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
                handler
            };
            branches.push(Branch {
                pat,
                future,
                precondition,
                handler,
            });
        }
        if branches.is_empty() {
            return Err(input.error("`select!` needs a branch"));
        }
        Ok(Select {
            biased,
            branches,
            otherwise,
        })
    }
}

impl Select {
    /// The expression that replaces the call, and the items (the helper and
    /// its result enum) the function declares. `n` numbers the helper;
    /// `awaited` makes the helper's call the `.await` that describes itself
    /// as the user's call.
    pub fn lower(
        self,
        mac: &Macro,
        n: usize,
        awaited: impl FnOnce(Expr) -> Expr,
    ) -> (Expr, Vec<Stmt>) {
        let helper = crate::names::hidden(&format!("__lh_select{n}"));
        let result = crate::names::hidden(&format!("__LhSelect{n}"));
        let enabled = crate::names::hidden("__lh_enabled");
        let futures = crate::names::hidden("__lh_futures");
        let count = self.branches.len();
        let variants: Vec<syn::Ident> = (0..count).map(|i| quote::format_ident!("B{i}")).collect();
        // Each precondition in its own statement, as tokio evaluates them:
        // its temporaries end before the next one runs.
        let conditions: Vec<syn::Ident> = (0..count)
            .map(|i| crate::names::hidden(&format!("__lh_enabled{i}")))
            .collect();
        let preconditions = self.branches.iter().zip(&conditions).map(|(b, c)| {
            let value = b.precondition.clone().unwrap_or_else(|| parse_quote!(true));
            quote::quote!(let #c: bool = #value;)
        });
        let future_exprs = self.branches.iter().map(|b| &b.future);
        // The handlers (and `else`) go in as syntax, in holes, not as tokens
        // to parse back: an arm reads `unsafe { .. } + 1` differently.
        let hole = |i: usize| quote::format_ident!("__lh_hole{i}");
        let arms = self
            .branches
            .iter()
            .zip(&variants)
            .enumerate()
            .map(|(i, (b, v))| {
                let (pat, handler) = (&b.pat, hole(i));
                quote::quote!(#result::#v(#pat) => #handler,)
            });
        let otherwise = self.otherwise.as_ref().map(|_| {
            let e = hole(count);
            quote::quote!(#result::Else => #e,)
        });
        let holes = self
            .branches
            .iter()
            .map(|b| b.handler.clone())
            .chain(self.otherwise.clone())
            .collect();
        let value = crate::names::hidden("__lh_v");
        let checks = self.branches.iter().map(|b| {
            let checked = without_bindings(&b.pat);
            quote::quote!(|#value| ::core::matches!(#value, #checked))
        });
        let race = awaited(parse_quote!(#helper(#enabled, #futures, #(#checks),*)));
        let expr = crate::splice::expr(
            quote::quote!({
                #(#preconditions)*
                let #enabled: [bool; #count] = [#(#conditions),*];
                let #futures = (#(#future_exprs,)*);
                match #race {
                    #(#arms)*
                    #otherwise
                    #[allow(unreachable_patterns)]
                    _ => ::core::unreachable!("longhand: `select!` returned a branch its pattern rejects"),
                }
            }),
            holes,
        );
        (expr, self.items(mac, &helper, &result, &variants))
    }

    /// The helper `async fn` racing the futures with the user's own
    /// `select!`, and the enum it returns.
    fn items(
        &self,
        mac: &Macro,
        helper: &syn::Ident,
        result: &syn::Ident,
        variants: &[syn::Ident],
    ) -> Vec<Stmt> {
        let path = &mac.path;
        let count = variants.len();
        let numbered = |prefix: &str| -> Vec<syn::Ident> {
            (0..count)
                .map(|i| quote::format_ident!("{prefix}{i}"))
                .collect()
        };
        let (tys, outs, checks) = (numbered("__A"), numbered("__T"), numbered("__F"));
        let (args, futures_, checked) = (numbered("__a"), numbered("__f"), numbered("__c"));
        let pinned: Vec<&syn::Ident> = futures_.iter().rev().collect();
        let value = crate::names::hidden("__lh_v");
        let enabled = crate::names::hidden("__lh_enabled");
        let futures = crate::names::hidden("__lh_futures");
        let biased = self.biased.then(|| quote::quote!(biased;));
        // A value its pattern rejects disables the branch: the future gives
        // `None` then, which the helper's pattern `Some(..)` rejects. The
        // futures are polled where they are pinned, so that all of them are
        // dropped together, in order, when the race ends, as tokio does.
        let branches = (0..count).map(|i| {
            let (f, c, v) = (&futures_[i], &checked[i], &variants[i]);
            quote::quote! {
                ::core::option::Option::Some(#value) = async move {
                    let #value = #f.as_mut().await;
                    if #c(&#value) { ::core::option::Option::Some(#value) } else { ::core::option::Option::None }
                }, if #enabled[#i] => #result::#v(#value),
            }
        });
        let otherwise = self
            .otherwise
            .as_ref()
            .map(|_| quote::quote!(else => #result::Else,));
        let enum_item: syn::ItemEnum = parse_quote! {
            #[allow(non_camel_case_types, dead_code)]
            enum #result<#(#outs),*> {
                #(#variants(#outs),)*
                Else,
            }
        };
        let fn_item: syn::ItemFn = parse_quote! {
            async fn #helper<
                #(#tys: ::core::future::IntoFuture,)*
                #(#checks: ::core::ops::FnOnce(&#tys::Output) -> bool,)*
            >(
                #enabled: [bool; #count],
                #futures: (#(#tys,)*),
                #(#checked: #checks,)*
            ) -> #result<#(#tys::Output),*> {
                let (#(#args,)*) = #futures;
                // As tokio does: every future is made first, in order. Pinned
                // in reverse order, they are dropped in order.
                #(let #futures_ = ::core::future::IntoFuture::into_future(#args);)*
                #(let mut #pinned = ::core::pin::pin!(#pinned);)*
                #path! {
                    #biased
                    #(#branches)*
                    #otherwise
                }
            }
        };
        vec![
            Stmt::Item(syn::Item::Enum(enum_item)),
            Stmt::Item(syn::Item::Fn(fn_item)),
        ]
    }

    /// The expressions of the call, which the lowering makes the body's
    /// own code: preconditions, futures, handlers, the `else` branch.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.branches
            .iter()
            .flat_map(|b| b.precondition.iter().chain([&b.future, &b.handler]))
            .chain(&self.otherwise)
    }

    /// `tokio::select! { p0 = f0 => .., p1 = f1 => .. }`: the call as the
    /// state's documentation describes the `.await` it becomes.
    pub fn describe(&self, mac: &Macro) -> String {
        let path = &mac.path;
        let branches = self.branches.iter().map(|b| {
            let (pat, future) = (&b.pat, &b.future);
            quote::quote!(#pat = #future => ..,)
        });
        crate::text::compact(quote::quote!(#path! { #(#branches)* }))
    }
}

/// `pat` with every binding replaced by `_` (or by its sub-pattern): what
/// the helper checks a value against, without binding anything.
fn without_bindings(pat: &Pat) -> Pat {
    struct Clear;
    impl VisitMut for Clear {
        fn visit_pat_mut(&mut self, p: &mut Pat) {
            if let Pat::Ident(i) = p
                && crate::bindings::binds(i)
            {
                *p = match i.subpat.take() {
                    Some((_, sub)) => *sub,
                    None => parse_quote!(_),
                };
                self.visit_pat_mut(p);
                return;
            }
            syn::visit_mut::visit_pat_mut(self, p);
        }
        fn visit_field_pat_mut(&mut self, f: &mut syn::FieldPat) {
            // `Point { x, .. }` becomes `Point { x: _, .. }`.
            f.colon_token.get_or_insert_with(Default::default);
            self.visit_pat_mut(&mut f.pat);
        }
        fn visit_expr_mut(&mut self, _: &mut Expr) {}
    }
    let mut pat = pat.clone();
    Clear.visit_pat_mut(&mut pat);
    pat
}
