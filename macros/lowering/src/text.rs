//! Short source text for the documentation the expansion writes on each
//! state: `db.get(id).await`, printed from tokens with Rust's usual spacing.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Prints tokens compactly: `db.get(id)` rather than `db . get (id)`.
pub fn compact(tokens: TokenStream) -> String {
    let mut out = String::new();
    write(tokens, &mut out);
    out
}

fn write(tokens: TokenStream, out: &mut String) {
    let mut prev_word = false;
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                if prev_word {
                    out.push(' ');
                }
                out.push_str(&i.to_string());
                prev_word = true;
            }
            TokenTree::Literal(l) => {
                if prev_word {
                    out.push(' ');
                }
                out.push_str(&l.to_string());
                prev_word = true;
            }
            TokenTree::Punct(p) => {
                let c = p.as_char();
                match c {
                    '.' | ':' | '&' | '!' | '\'' => out.push(c),
                    ',' | ';' => out.push_str(&format!("{c} ")),
                    _ => {
                        if !out.ends_with(' ')
                            && !out.is_empty()
                            && p.spacing() == proc_macro2::Spacing::Alone
                        {
                            out.push(' ');
                        }
                        out.push(c);
                        if p.spacing() == proc_macro2::Spacing::Alone {
                            out.push(' ');
                        }
                    }
                }
                prev_word = false;
            }
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => {
                        if !out.is_empty() && !out.ends_with([' ', '(', '[']) {
                            out.push(' ');
                        }
                        ("{ ", " }")
                    }
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write(g.stream(), out);
                while out.ends_with(' ') && close != " }" {
                    out.pop();
                }
                out.push_str(close);
                prev_word = true;
            }
        }
    }
}
