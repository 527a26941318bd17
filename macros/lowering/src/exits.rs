//! A body's exits, `return v` and `e?`, written as `break`s to the label of
//! the block they leave: the function's body (`'__lh_body`, whose value
//! ends the state machine) or an `async` block lowered in place (see
//! `async_blocks`). `?` is spelled out as rustc desugars it, through
//! `Try::branch` and `FromResidual::from_residual`.

use crate::names::hidden;
use quote::quote;
use syn::Expr;

/// `return value` leaving the block labeled `label`: `break 'label (value)`.
pub fn return_to(label: &syn::Lifetime, value: Expr) -> Expr {
    crate::splice::expr(quote!(break #label (__lh_hole0)), vec![value])
}

/// `inner?` leaving the block labeled `label` with the residual.
pub fn try_to(label: &syn::Lifetime, inner: Expr) -> Expr {
    let v = hidden("__lh_value");
    let r = hidden("__lh_residual");
    crate::splice::expr(
        quote! {
            match ::longhand::__private::Try::branch(__lh_hole0) {
                ::longhand::__private::ControlFlow::Continue(#v) => #v,
                ::longhand::__private::ControlFlow::Break(#r) => {
                    break #label (::longhand::__private::FromResidual::from_residual(#r))
                }
            }
        },
        vec![inner],
    )
}
