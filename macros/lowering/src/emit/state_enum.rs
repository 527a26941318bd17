//! The state enum's declaration and its doc comments: what each state
//! waits on, keeps alive and has pinned, in the words a reader of the
//! expansion (or of `cargo doc`) sees.

use super::*;

/// The `enum FState<..> { Unresumed { .. }, Suspend0 { .. }, .., Returned,
/// Panicked }` declaration.
pub(super) fn definition(plan: &Plan<'_>, layout: &Layout<'_>) -> TokenStream {
    let Layout {
        fn_name,
        state,
        kinds,
        holds_awaitee,
        generics,
        param_tys,
        param_fields,
        variants,
        awaitee_tys,
        ..
    } = layout;
    let awaits = layout.awaits;
    let generator = layout.generator;
    let variant_of = |n: usize| layout.variant_of(n);
    let unresumed_doc = unresumed_doc(&plan.params);
    let suspend_variants = (0..awaits).map(|n| {
        let name = variant_of(n);
        let a = &awaitee_tys[n];
        let (text, line) = &plan.await_docs[n];
        let line = line.map(|l| format!(" (line {l})")).unwrap_or_default();
        let at = match kinds[n] {
            Kind::Await => format!("Waiting at `{text}`{line}"),
            Kind::Yield => format!("Suspended at `{text}`{line}"),
            Kind::Join => format!(
                "Join point, passed within a poll: {text}{line} is written once, in this \
                 state's arm"
            ),
        };
        let keeps = if variants[n].is_empty() {
            "; keeps nothing else alive.".to_string()
        } else {
            format!(
                "; keeps {} alive.",
                list(variants[n].iter().rev().map(|f| f.name.to_string()))
            )
        };
        let pinned = &plan.liveness.keep[n].pinned;
        let pins = if pinned.is_empty() {
            String::new()
        } else {
            // A guard's held binding (see `guard_awaits`) by the user's name.
            let shown: Vec<String> = pinned
                .iter()
                .map(|b| {
                    let name = b.ident.to_string();
                    match crate::guard_awaits::held_binding(&name) {
                        Some(held) => format!("`{held}` (as its guard reads it)"),
                        None => format!("`{name}`"),
                    }
                })
                .collect();
            format!(" Pinned in place meanwhile: {}.", shown.join(", "))
        };
        let doc = format!(" {at}{keeps}{pins}");
        let names = variants[n].iter().map(|f| &f.name);
        let tys = variants[n].iter().map(|f| &f.ty);
        let awaitee =
            holds_awaitee[n].then(|| quote!(__awaitee: ::longhand::__private::Awaitee<#a>,));
        quote! {
            #[doc = #doc]
            #name {
                #awaitee
                #(#names: ::longhand::__private::Kept<#tys>,)*
            }
        }
    });
    let what = if generator { "generator" } else { "async fn" };
    let enum_doc = format!(" The state machine of `{what} {fn_name}`, written out by longhand.");
    let (done_doc, panicked_doc) = if generator {
        (
            " Finished: it yields nothing more.",
            " A poll panicked: resuming again panics.",
        )
    } else {
        (
            " Finished: polling again panics.",
            " A poll panicked: polling again panics.",
        )
    };
    let unresumed_doc = format!(" {unresumed_doc}");
    let enum_def = quote! {
        #[doc = #enum_doc]
        #[allow(non_camel_case_types, clippy::large_enum_variant)]
        enum #state<#(#generics),*> {
            #[doc = #unresumed_doc]
            Unresumed { #(#param_fields: ::longhand::__private::Kept<#param_tys>,)* },
            #(#suspend_variants,)*
            #[doc = #done_doc]
            Returned,
            #[doc = #panicked_doc]
            Panicked,
        }
    };
    enum_def
}

/// What `Unresumed` holds, for its doc comment.
fn unresumed_doc(params: &[Param]) -> String {
    let names = |slot: bool| {
        list(
            params
                .iter()
                .filter(|p| p.slot.is_some() == slot)
                .map(|p| p.field.to_string()),
        )
    };
    let (held, pinned) = (names(false), names(true));
    let mut doc = "Created, not polled yet".to_string();
    if !held.is_empty() {
        doc += &format!(": holds the arguments {held}");
    }
    doc.push('.');
    if !pinned.is_empty() {
        doc += &format!(" Pinned in place already: {pinned}.");
    }
    doc
}

/// Does the type have `_` in it?
pub(super) fn has_holes(ty: &syn::Type) -> bool {
    struct Find(bool);
    impl<'a> syn::visit::Visit<'a> for Find {
        fn visit_type_infer(&mut self, _: &'a syn::TypeInfer) {
            self.0 = true;
        }
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

fn list(items: impl Iterator<Item = String>) -> String {
    items
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
