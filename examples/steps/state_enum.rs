//! Shows the state enum of an expansion (used by the tour's steps 5 and 6).

/// The `enum ...State<..> { .. }` declaration out of an expansion.
pub fn state_enum(expansion: &str) -> String {
    let mut lines = expansion
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("enum "));
    let Some(first) = lines.next() else {
        return String::from("(no state enum found)");
    };
    let indent = &first[..first.len() - first.trim_start().len()];
    let closing = format!("{indent}}}");
    let mut out = vec![first];
    for line in lines {
        out.push(line);
        if line == closing {
            break;
        }
    }
    out.iter()
        .map(|l| format!("    {}", l.strip_prefix(indent).unwrap_or(l)))
        .collect::<Vec<_>>()
        .join("\n")
}
