//! `longhand graph FILE --fn NAME [--format mermaid|dot]`: the state machine
//! of one lowered function as a diagram (Mermaid renders on GitHub).

use quote::ToTokens;
use syn::visit::Visit;

/// Which diagram language to print.
///
/// ```
/// use longhand::cli::graph::Format;
/// assert_eq!("dot".parse::<Format>(), Ok(Format::Dot));
/// assert!("svg".parse::<Format>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Mermaid `stateDiagram-v2`.
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "mermaid" => Ok(Format::Mermaid),
            "dot" => Ok(Format::Dot),
            other => Err(format!(
                "unknown format `{other}` (expected `mermaid` or `dot`)"
            )),
        }
    }
}

/// Finds the `async fn` named `name` in `source` and draws its state machine.
///
/// ```
/// let src = "#[longhand::desugar] async fn one(x: u32) -> u32 { f(x).await }";
/// let out = longhand::cli::graph::graph(src, "one", longhand::cli::graph::Format::Mermaid).unwrap();
/// assert!(out.contains("Unresumed --> Suspend0"));
/// ```
pub fn graph(source: &str, name: &str, format: Format) -> Result<String, String> {
    let file = syn::parse_file(source).map_err(|e| {
        let at = e.span().start();
        format!("{}:{}: {e}", at.line, at.column + 1)
    })?;
    struct Find<'a> {
        name: &'a str,
        found: Option<proc_macro2::TokenStream>,
    }
    impl<'a> Visit<'a> for Find<'_> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            if f.sig.ident == self.name && self.found.is_none() {
                self.found = Some(f.to_token_stream());
            }
            syn::visit::visit_item_fn(self, f);
        }
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            if f.sig.ident == self.name && self.found.is_none() {
                let mut ts = proc_macro2::TokenStream::new();
                f.vis.to_tokens(&mut ts);
                f.sig.to_tokens(&mut ts);
                f.block.to_tokens(&mut ts);
                self.found = Some(ts);
            }
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    let mut find = Find { name, found: None };
    find.visit_file(&file);
    let tokens = find
        .found
        .ok_or_else(|| format!("no function named `{name}`"))?;
    let g = longhand_lowering::graph::state_graph(tokens)?;
    Ok(match format {
        Format::Mermaid => g.mermaid(),
        Format::Dot => g.dot(),
    })
}
