#[longhand::desugar]
async fn greet(id: u32) -> String {
    if let Some(user) = find(id).await && let Ok(name) = user.name().await && !name.is_empty() {
        format!("hello {name}")
    } else {
        String::from("who?")
    }
}
