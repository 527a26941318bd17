#[longhand::desugar]
async fn admit(user: Option<String>, limits: &Limits) -> u32 {
    match user {
        Some(name) if limits.allows(&name).await => name.len() as u32,
        Some(_) => 1,
        None => 0,
    }
}
