//! Macro calls whose arguments are plain expressions (`println!`, `assert_eq!`,
//! `vec![..]`, `format!`...). longhand cannot expand macros, but when a call's
//! tokens parse as comma-separated expressions (or as `vec!`'s `value; n`)
//! it can treat them as operands: see the names they use, and hoist an
//! `.await` out of them.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Macro, Token};

/// The parsed arguments of a macro call.
pub struct MacroArgs {
    /// The arguments, in order.
    pub args: Punctuated<Expr, Token![,]>,
    /// Written `value; n` (`vec![0; n]`), not with commas.
    repeat: bool,
    /// Tokens after the arguments that are not expressions, kept as they
    /// are: `matches!`'s pattern and guard (`, Some(n) if n > 2`).
    rest: TokenStream,
    /// The names of a formatting macro's named arguments (`x = e`), by
    /// position: only `e` is an expression, the name is not a local.
    names: Vec<Option<syn::Ident>>,
}

/// Macros whose first argument is an expression and the rest a pattern
/// (with a guard): `matches!(x, Some(n) if n > 2)`.
fn takes_pattern(mac: &Macro) -> bool {
    matches!(
        name(mac).as_str(),
        "matches" | "assert_matches" | "debug_assert_matches"
    )
}

/// Is `mac` known to evaluate each expression argument once, in order,
/// where it is called (or, for the assertions, `ensure!` and `matches!`,
/// as `validate` checks)? std's formatting and assertion macros, `vec!`,
/// `dbg!`, anyhow's and eyre's. A user's macro may evaluate an argument
/// twice (`$e * $e`) or not at all (a logging macro whose level is off),
/// which longhand, hoisting an `.await` out of it, cannot follow.
pub fn evaluates_args_once(mac: &Macro) -> bool {
    (borrows_args(mac) && name(mac) != "log")
        || matches!(
            name(mac).as_str(),
            "vec"
                | "dbg"
                | "ensure"
                | "bail"
                | "anyhow"
                | "eyre"
                | "assert_matches"
                | "debug_assert_matches"
        )
}

/// Does `mac` only quote its tokens, never evaluating them (`stringify!`)?
/// They stay as the user wrote them: not lowered, not renamed.
pub fn never_evaluated(mac: &Macro) -> bool {
    name(mac) == "stringify"
}

/// The pattern and guard of a `matches!`-like call, if it has them.
pub fn pattern_and_guard(mac: &Macro) -> Option<TokenStream> {
    let args = parse(mac)?;
    let after_comma = args
        .rest
        .into_iter()
        .skip_while(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','));
    takes_pattern(mac).then(|| after_comma.collect())
}

/// Parses `mac`'s tokens as comma-separated expressions, or as the two of
/// `value; n`, if they are. For `matches!` and its kin, only the scrutinee
/// is an expression: a pattern is never read (nor written back) as one.
pub fn parse(mac: &Macro) -> Option<MacroArgs> {
    let mut args = parse_tokens(mac)?;
    use syn::visit_mut::VisitMut;
    args.args
        .iter_mut()
        .for_each(|a| UnparenTagged.visit_expr_mut(a));
    Some(args)
}

/// Takes the parentheses off a tagged path. syn writes a path that carries
/// an attribute in parentheses where it is an operand (`(#[__lh_ref(3)]
/// Some)(3)`), so arguments written back with their tags would keep them
/// after the tags are gone, and `is!(o, (Some)(3))` no longer matches a
/// `$p:pat`. Read back, they are taken off again (the user never writes
/// the tag).
struct UnparenTagged;

impl syn::visit_mut::VisitMut for UnparenTagged {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, e);
        if let Expr::Paren(p) = e
            && p.attrs.is_empty()
            && matches!(&*p.expr, Expr::Path(path) if crate::bindings::ref_tag(&path.attrs).is_some())
        {
            *e = (*p.expr).clone();
        }
    }
    fn visit_macro_mut(&mut self, _: &mut Macro) {}
}

fn parse_tokens(mac: &Macro) -> Option<MacroArgs> {
    if mac.tokens.is_empty() || never_evaluated(mac) {
        return None;
    }
    if takes_pattern(mac) {
        let scrutinee = |input: syn::parse::ParseStream| {
            let value: Expr = input.parse()?;
            let rest: TokenStream = input.parse()?;
            Ok((value, rest))
        };
        let (value, rest) = scrutinee.parse2(mac.tokens.clone()).ok()?;
        return Some(MacroArgs {
            args: std::iter::once(value).collect(),
            repeat: false,
            rest,
            names: Vec::new(),
        });
    }
    if let Ok(mut args) = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone())
    {
        let names = if borrows_args(mac) {
            args.iter_mut().map(split_named).collect()
        } else {
            Vec::new()
        };
        return Some(MacroArgs {
            args,
            repeat: false,
            rest: TokenStream::new(),
            names,
        });
    }
    let repeat = |input: syn::parse::ParseStream| {
        let value: Expr = input.parse()?;
        input.parse::<Token![;]>()?;
        let n: Expr = input.parse()?;
        Ok([value, n].into_iter().collect())
    };
    let args = repeat.parse2(mac.tokens.clone()).ok()?;
    Some(MacroArgs {
        args,
        repeat: true,
        rest: TokenStream::new(),
        names: Vec::new(),
    })
}

/// `name = value` as a formatting macro's named argument: leaves `value`
/// in place and returns the name.
fn split_named(arg: &mut Expr) -> Option<syn::Ident> {
    let Expr::Assign(a) = arg else { return None };
    let Expr::Path(p) = &*a.left else { return None };
    let name = p.path.get_ident()?.clone();
    if !p.attrs.is_empty() || !a.attrs.is_empty() {
        return None;
    }
    *arg = (*a.right).clone();
    Some(name)
}

impl MacroArgs {
    /// The tokens after the arguments that are not expressions (a pattern
    /// and its guard), empty for most macros.
    pub fn rest(&self) -> &TokenStream {
        &self.rest
    }

    /// Is `name` given as a named argument (`name = value`)?
    fn names_argument(&self, name: &str) -> bool {
        self.names.iter().flatten().any(|n| n == name)
    }

    /// Adds the named argument `name = value`.
    fn push_named(&mut self, name: syn::Ident, value: Expr) {
        self.names.resize(self.args.len(), None);
        self.args.push(value);
        self.names.push(Some(name));
    }
}

/// The position of a formatting macro's format string among its arguments
/// (an assertion's message starts there).
pub fn format_string_at(mac: &Macro) -> Option<usize> {
    match name(mac).as_str() {
        "print" | "println" | "eprint" | "eprintln" | "format" | "format_args" | "panic"
        | "unreachable" | "todo" | "unimplemented" => Some(0),
        "write" | "writeln" | "assert" | "debug_assert" | "log" => Some(1),
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => Some(2),
        _ => None,
    }
}

/// Writes out the locals the format string of `mac` (whose arguments are
/// `args`) captures: `println!("{total}")` becomes `println!("{total}",
/// total = total)`, which means the same. The capture is then an
/// expression like any other, renamed, pinned or kept with its local.
pub fn make_captures_explicit(mac: &Macro, args: &mut MacroArgs) {
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(s),
        ..
    })) = format_string_at(mac).and_then(|at| args.args.iter().nth(at))
    else {
        return;
    };
    let span = s.span();
    for name in format_captures(s) {
        if !args.names_argument(&name) {
            let ident = crate::names::ident(&name, span);
            args.push_named(ident.clone(), syn::parse_quote!(#ident));
        }
    }
}

/// Writes `args` back as the macro's tokens.
pub fn set(mac: &mut Macro, args: &MacroArgs) {
    let mut tokens = TokenStream::new();
    if args.repeat {
        let (value, n) = (&args.args[0], &args.args[1]);
        quote::quote!(#value; #n).to_tokens(&mut tokens);
    } else {
        for (i, pair) in args.args.pairs().enumerate() {
            if let Some(Some(name)) = args.names.get(i) {
                quote::quote!(#name =).to_tokens(&mut tokens);
            }
            pair.to_tokens(&mut tokens);
        }
    }
    args.rest.to_tokens(&mut tokens);
    mac.tokens = tokens;
}

/// Rewrites a call's arguments in place with `f`, when they are expressions;
/// `false` when they are not (the call is then left alone).
pub fn edit(mac: &mut Macro, f: impl FnOnce(&mut MacroArgs)) -> bool {
    let Some(mut args) = parse(mac) else {
        return false;
    };
    f(&mut args);
    set(mac, &args);
    true
}

/// The macro's name: the last segment of its path (`println`, `join`).
pub fn name(mac: &Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// Does this macro take its expression arguments by value (`vec!`, `dbg!`)?
pub fn moves_args(mac: &Macro) -> bool {
    matches!(name(mac).as_str(), "vec" | "dbg")
}

/// Does this macro take its arguments by reference (the `format_args!` family)?
pub fn borrows_args(mac: &Macro) -> bool {
    matches!(
        name(mac).as_str(),
        "print"
            | "println"
            | "eprint"
            | "eprintln"
            | "format"
            | "format_args"
            | "write"
            | "writeln"
            | "panic"
            | "assert"
            | "assert_eq"
            | "assert_ne"
            | "debug_assert"
            | "debug_assert_eq"
            | "debug_assert_ne"
            | "unreachable"
            | "todo"
            | "unimplemented"
            | "matches"
            | "log"
            // The place itself, not its value: `addr_of!(x)` is `&raw const x`.
            | "addr_of"
            | "addr_of_mut"
    )
}

/// The distinct names that tokens longhand cannot read may use, in order:
/// every identifier (not a keyword), and the names format strings capture.
pub fn token_names(tokens: &TokenStream) -> Vec<proc_macro2::Ident> {
    let mut out = Vec::new();
    each_token_name(tokens, &mut |i| {
        let keyword = syn::parse2::<syn::Ident>(TokenTree::Ident(i.clone()).into()).is_err();
        if !keyword && !out.contains(&i) {
            out.push(i);
        }
    });
    out
}

/// Calls `f` with every identifier in `tokens` and every name a format
/// string among them captures, in order, repeats and keywords included.
pub fn each_token_name(tokens: &TokenStream, f: &mut dyn FnMut(proc_macro2::Ident)) {
    for tt in tokens.clone() {
        match tt {
            TokenTree::Ident(i) => f(i),
            TokenTree::Group(g) => each_token_name(&g.stream(), f),
            TokenTree::Literal(l) => {
                let span = l.span();
                if let Ok(s) = syn::parse2::<syn::LitStr>(TokenTree::Literal(l).into()) {
                    for name in format_captures(&s) {
                        if let Ok(i) = syn::parse_str::<proc_macro2::Ident>(&name) {
                            f(crate::names::ident(&i.to_string(), span));
                        }
                    }
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

/// Names captured implicitly by a format string: `"{total}"`, `"{x:?}"`.
pub fn format_captures(lit: &syn::LitStr) -> Vec<String> {
    let s = lit.value();
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '{' {
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            continue;
        }
        let name: String = chars
            .by_ref()
            .take_while(|c| *c != '}' && *c != ':')
            .collect();
        let name = name.trim();
        if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            out.push(name.to_string());
        }
    }
    out
}
