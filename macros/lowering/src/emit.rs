//! Emission: the state enum, its helpers, and the poll closure.
//!
//! ```text
//! fn f(args) -> impl Future<Output = R> {
//!     enum FState<P0, .., L0, .., A0, ..> {
//!         Unresumed { args.. },
//!         Suspend0 { __awaitee: Awaitee<A0>, kept values.. },   // one per .await
//!         Returned,
//!         Panicked,
//!     }
//!     impl FState { take_unresumed, take_suspend0, .. }       // move values out
//!     unsafe impl StateMachine for FState { abandon }         // unwind support
//!     lowered(FState::Unresumed { args }, |state, cx| loop {
//!         match state {
//!             Unresumed => { take args; body up to each first .await }
//!             Suspend0  => { poll awaitee or return Pending; take values; rest }
//!             Returned | Panicked => panic!(..),
//!         }
//!     })
//! }
//! ```
//!
//! Code runs with the state set to `Panicked`: every stored value has been
//! moved out into ordinary locals, so a panic in user code unwinds through
//! real Rust locals (dropped by Rust, in order) and leaves a poisoned future,
//! as rustc's lowering does. Reaching an `.await` writes its `SuspendN`
//! variant (moving the kept values in, field order = drop order), builds the
//! awaitee from references into that pinned variant, and jumps back to the
//! dispatch loop, which polls it in the same poll. Completing writes
//! `Returned`.
//!
//! The parts: `layout` (the states and what each keeps), `state_enum` (the
//! declaration and its docs), `machine_impls` (moving values out, dropping,
//! the runtime's `StateMachine`), `poll_closure` (the dispatch loop and its
//! arms), whose code `finalize` (with `suspension_points` and
//! `kept_rest`), `arm_blocks` and `place_rewrite` finish.

mod arm_blocks;
mod finalize;
mod kept_rest;
mod layout;
mod machine_impls;
mod place_rewrite;
mod poll_closure;
mod state_enum;
mod suspension_points;

use crate::analysis::Liveness;
use crate::awaits::await_id;
use crate::bindings::{Binding, StripTags};
use crate::joins::Kind;
use crate::names::{hidden, restored};
use crate::resume::{resume_body, resumed_value};
use crate::signature::Param;
use layout::{Field, Layout};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashMap;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, parse_quote};

/// Everything the emitter needs about one function.
pub struct Plan<'a> {
    /// The function as the user wrote it (attributes, signature, name).
    pub item: &'a syn::ItemFn,
    /// The outer signature (async removed, parameters renamed).
    pub sig: syn::Signature,
    /// The parameters.
    pub params: Vec<Param>,
    /// The items declared in the body, which the function declares first.
    pub items: Vec<syn::Stmt>,
    /// The normalised body, parameter prelude included.
    pub body: Block,
    /// Liveness at each suspension point.
    pub liveness: Liveness,
    /// Source text and line of each suspension point, for the docs.
    pub await_docs: Vec<(String, Option<usize>)>,
    /// The native borrow check of the body, when locals are pinned.
    pub check: Option<TokenStream>,
    /// An `async fn`, or a generator.
    pub mode: crate::mode::Mode,
}

/// Emits the whole lowered function.
pub fn emit(plan: Plan<'_>) -> TokenStream {
    let layout = Layout::new(&plan);
    let enum_def = state_enum::definition(&plan, &layout);
    let impls = machine_impls::impls(&plan, &layout);
    let closure = poll_closure::closure(&plan, &layout);
    let item = plan.item;
    let items = &plan.items;
    let check = &plan.check;
    let Layout {
        state,
        ret,
        held,
        param_fields,
        ..
    } = &layout;
    let generator = layout.generator;
    // Empty, or filled with a pinned parameter.
    let pin_slots = (0..plan.liveness.pinned.len()).map(|k| {
        match plan.params.iter().find(|p| p.slot == Some(k)) {
            Some(p) => {
                let value = &p.value;
                quote!(::longhand::__private::PinSlot::filled(#value))
            }
            None => quote!(::longhand::__private::PinSlot::default()),
        }
    });

    let attrs = &item.attrs;
    let vis = &item.vis;
    let mut sig = plan.sig.clone();
    sig.asyncness = None;
    let generic_borrowed = crate::borrow_lifetime::generic_by_value(&item.sig)
        .iter()
        .any(|name| plan.liveness.kept_for_awaitees.contains(name));
    let mixes = crate::borrow_lifetime::mixes_lifetimes(&item.sig, &item.vis);
    if !plan.liveness.pinned.is_empty() || generic_borrowed || mixes {
        crate::borrow_lifetime::add(&mut sig, mixes);
    }
    if !generator {
        sig.output =
            parse_quote!(-> impl ::core::future::Future<Output = #ret> + ::longhand::Inspect);
    }
    let values = held.iter().map(|p| &p.value);
    let parts = quote!(
        #state::Unresumed { #(#param_fields: ::longhand::__private::Kept::new(#values),)* },
        ( #(#pin_slots,)* ),
        #closure,
    );
    let machine = match &plan.mode {
        crate::mode::Mode::Future if crate::hidden_jumps::block_may_hide_exits(&item.block) => {
            quote!(::longhand::__private::lowered_settling(#parts))
        }
        crate::mode::Mode::Future => quote!(::longhand::__private::lowered(#parts)),
        crate::mode::Mode::Iterator(_) => quote!(::longhand::__private::gen_iter(#parts)),
        crate::mode::Mode::Stream(_) => {
            quote!(::longhand::__private::gen_stream(::longhand::__private::lowered(#parts)))
        }
    };
    quote! {
        #(#attrs)*
        // Turning `async fn` into `fn -> impl Future` makes clippy see lifetimes
        // it does not flag on the `async fn` the user wrote.
        // `+ Inspect` refines a trait's `-> impl Future` in trait impls. A
        // borrow lifetime (see `borrow_lifetime`) adds where-clause bounds.
        #[allow(clippy::needless_lifetimes, clippy::multiple_bound_locations, refining_impl_trait)]
        #vis #sig {
            #(#items)*
            #check
            #enum_def
            #impls
            #machine
        }
    }
}
