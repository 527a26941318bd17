//! The `longhand` command-line tool: look at the lowering without a compiler.
//!
//! ```text
//! longhand expand FILE [--fn NAME]                       print FILE with its lowered items expanded
//! longhand graph FILE --fn NAME [--format mermaid|dot]   draw one function's state machine
//! ```

use std::process::ExitCode;

const USAGE: &str = "usage:
  longhand expand FILE [--fn NAME]                      print FILE with every #[longhand::desugar] item lowered
  longhand graph FILE --fn NAME [--format mermaid|dot]  draw the state machine of one async fn
  longhand --help                                       this help";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("longhand: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        None | Some("--help") | Some("-h") | Some("help") => Ok(format!("{USAGE}\n")),
        Some("expand") => {
            let rest = &args[1..];
            if rest.iter().any(|a| a == "--help") {
                return Ok(format!("{USAGE}\n"));
            }
            let file = rest
                .first()
                .filter(|f| !f.starts_with("--"))
                .ok_or("expand needs a FILE")?;
            let only = flag(rest, "--fn")?;
            let source = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
            longhand::cli::expand::expand(&source, only.as_deref())
                .map_err(|e| format!("{file}:{e}"))
        }
        Some("graph") => {
            let rest = &args[1..];
            if rest.iter().any(|a| a == "--help") {
                return Ok(format!("{USAGE}\n"));
            }
            let file = rest
                .first()
                .filter(|f| !f.starts_with("--"))
                .ok_or("graph needs a FILE")?;
            let name = flag(rest, "--fn")?.ok_or("graph needs --fn NAME")?;
            let format = match flag(rest, "--format")? {
                Some(f) => f.parse()?,
                None => longhand::cli::graph::Format::Mermaid,
            };
            let source = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
            longhand::cli::graph::graph(&source, &name, format).map_err(|e| format!("{file}:{e}"))
        }
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

fn flag(args: &[String], name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .cloned()
            .map(Some)
            .ok_or(format!("{name} needs a value")),
    }
}
