//! The layout of the state enum: its name, the states' names, one variant
//! per suspension point with the values it keeps (field order is drop
//! order: the latest declared first), and the generic parameters, one per
//! kept value, argument and awaitee, whose types the poll closure infers.

use super::*;

/// One stored value of a `SuspendN` variant.
pub(super) struct Field {
    pub(super) binding: Binding,
    pub(super) name: Ident,
    pub(super) ty: Ident,
}

fn field_name(b: &Binding, taken: &mut Vec<String>) -> Ident {
    let raw = b.ident.to_string();
    let base = match raw.trim_start_matches('_') {
        "self" | "lh_self" => "self_".to_string(),
        "" => "value".to_string(),
        s if raw.starts_with("__") => s.to_string(),
        _ => raw.trim_start_matches("r#").to_string(),
    };
    // `r#match` is field `match_`: a field name cannot be a keyword.
    let base = if syn::parse_str::<syn::Ident>(&base).is_err() {
        format!("{base}_")
    } else {
        base
    };
    let mut name = base.clone();
    let mut k = 2;
    while taken.contains(&name) || name == "__awaitee" {
        name = format!("{base}_{k}");
        k += 1;
    }
    taken.push(name.clone());
    Ident::new(&name, Span::call_site())
}

/// What every part of the emitted code needs to know about the states.
pub(super) struct Layout<'a> {
    pub(super) fn_name: String,
    /// The state enum's name.
    pub(super) state: Ident,
    /// How many suspension points (and `SuspendN`/`JoinN` states) there are.
    pub(super) awaits: usize,
    /// Pinned binding id -> its slot index.
    pub(super) slots: HashMap<usize, usize>,
    pub(super) generator: bool,
    /// The body's value.
    pub(super) ret: syn::Type,
    /// What a poll returns when ready.
    pub(super) poll_output: syn::Type,
    /// Whether the poll closure's types can be written (no `impl Trait`).
    pub(super) annotate: bool,
    pub(super) kinds: Vec<Kind>,
    pub(super) names: Vec<String>,
    /// Whether each state holds an awaitee (a join point does not).
    pub(super) holds_awaitee: Vec<bool>,
    pub(super) generics: Vec<Ident>,
    /// The parameters `Unresumed` holds: all but the pinned ones, which wait
    /// in their slots (see `pin::rewrite`).
    pub(super) held: Vec<&'a Param>,
    pub(super) param_tys: Vec<Ident>,
    pub(super) param_fields: Vec<&'a Ident>,
    pub(super) variants: Vec<Vec<Field>>,
    pub(super) awaitee_tys: Vec<Ident>,
}

impl<'a> Layout<'a> {
    pub(super) fn new(plan: &'a Plan<'_>) -> Self {
        let item = plan.item;
        let fn_name = item.sig.ident.to_string();
        // `FetchTotalState`, unless the function names a type of that name
        // (its own `enum ConnectState` for `async fn connect`): declared in the
        // body, the state enum would shadow it there.
        let plain = format!("{}State", crate::names::camel_case(&fn_name));
        let state = if crate::macro_args::token_names(&quote!(#item))
            .iter()
            .any(|i| *i == plain)
        {
            format_ident!("__Lh{plain}")
        } else {
            format_ident!("{plain}")
        };
        let awaits = plan.liveness.keep.len();
        let slots = plan.liveness.slots();

        let generator = plan.mode.is_generator();
        // The body's value: the output of an `async fn`, `()` for a generator,
        // whose poll returns `Poll<Option<Item>>`.
        let ret: syn::Type = match (&plan.mode, &item.sig.output) {
            (m, _) if m.is_generator() => parse_quote!(()),
            (_, syn::ReturnType::Default) => parse_quote!(()),
            (_, syn::ReturnType::Type(_, t)) => (**t).clone(),
        };
        let poll_output: syn::Type = match plan.mode.item() {
            Some(item) => parse_quote!(::core::option::Option<#item>),
            None => ret.clone(),
        };
        let annotate = !crate::signature::mentions_impl(&poll_output);
        let kinds = crate::joins::kinds(&plan.body, awaits);
        let names = crate::joins::state_names(&kinds);
        let holds_awaitee: Vec<bool> = kinds.iter().map(|k| k.has_awaitee()).collect();

        // Generic parameters and fields of each variant.
        let mut generics: Vec<Ident> = Vec::new();
        // The parameters `Unresumed` holds: all but the pinned ones, which wait
        // in their slots (see `pin::rewrite`).
        let held: Vec<&Param> = plan.params.iter().filter(|p| p.slot.is_none()).collect();
        let param_tys: Vec<Ident> = (0..held.len()).map(|i| format_ident!("P{i}")).collect();
        generics.extend(param_tys.iter().cloned());
        let mut next_local = 0;
        let mut variants: Vec<Vec<Field>> = Vec::new();
        let mut awaitee_tys = Vec::new();
        for (n, (keep, awaitee)) in plan.liveness.keep.iter().zip(&holds_awaitee).enumerate() {
            let a = format_ident!("A{n}");
            if *awaitee {
                generics.push(a.clone());
            }
            awaitee_tys.push(a);
            let mut taken = Vec::new();
            let mut fields = Vec::new();
            // Field order is drop order: the latest declared value first.
            for b in keep.stored.iter().rev() {
                let ty = format_ident!("L{next_local}");
                next_local += 1;
                generics.push(ty.clone());
                fields.push(Field {
                    binding: b.clone(),
                    name: field_name(b, &mut taken),
                    ty,
                });
            }
            variants.push(fields);
        }
        let param_fields: Vec<&Ident> = held.iter().map(|p| &p.field).collect();
        Layout {
            fn_name,
            state,
            awaits,
            slots,
            generator,
            ret,
            poll_output,
            annotate,
            kinds,
            names,
            holds_awaitee,
            generics,
            held,
            param_tys,
            param_fields,
            variants,
            awaitee_tys,
        }
    }

    /// `Suspend0`, `Join0`: state `n`'s variant.
    pub(super) fn variant_of(&self, n: usize) -> Ident {
        format_ident!("{}", self.names[n])
    }

    /// `take_suspend0`, `take_join0`: moves a state's values out.
    pub(super) fn take_of(&self, n: usize) -> Ident {
        format_ident!("take_{}", self.names[n].to_lowercase())
    }
}
